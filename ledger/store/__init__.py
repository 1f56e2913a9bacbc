"""Storage: tables, engine set-up, the journal and the `Ledger` that every command goes through."""
