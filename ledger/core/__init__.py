"""Pure domain: value types, probability parsing, time rules, scoring maths. No I/O, no SQL."""
