"""Thin click commands: parse, call one `Ledger` method, print. Heavy modules (SQLAlchemy,
Alembic, numpy, matplotlib, Jinja2) are imported only inside the commands that use them."""
