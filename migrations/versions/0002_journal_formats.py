"""Journal format versions, sources, fuller amendments and withdrawals, batch row locators.

Adds `journal.format` (every existing entry is format 1 and stays so), `analysts.kind` (`person`
or `source`), `question_amendments.title` and `.opens_at`, `withdrawals.withdrawn_by`, and the
`batch_locators` table. Every added column holds its default on existing rows, which is what
`verify` expects of a row journaled before the column existed.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('format', sa.SmallInteger(), server_default=sa.text('1'), nullable=False))
    with op.batch_alter_table('analysts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default=sa.text("'person'"),
                                      nullable=False))
    with op.batch_alter_table('question_amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('opens_at', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('withdrawals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_withdrawals_withdrawn_by_analysts'), 'analysts',
                                    ['withdrawn_by'], ['id'])
    op.create_table('batch_locators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_seq', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_locators'))
    )
    with op.batch_alter_table('batch_locators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_locators_entry_seq'), ['entry_seq'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('batch_locators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_locators_entry_seq'))
    op.drop_table('batch_locators')
    with op.batch_alter_table('withdrawals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_withdrawals_withdrawn_by_analysts'), type_='foreignkey')
        batch_op.drop_column('withdrawn_by')
    with op.batch_alter_table('question_amendments', schema=None) as batch_op:
        batch_op.drop_column('opens_at')
        batch_op.drop_column('title')
    with op.batch_alter_table('analysts', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_column('format')
