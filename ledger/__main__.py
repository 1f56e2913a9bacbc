"""`python -m ledger` runs the command line."""

from ledger.cli.main import main

if __name__ == "__main__":
    main()
