"""Initial schema: analysts and roles, scenarios, questions, tags, amendments, evidence and
links, forecasts, withdrawals, resolutions, imports and the hash-chained journal.

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 00:28:07.768723
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('analysts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handle', sa.String(length=200), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analysts')),
    sa.UniqueConstraint('handle', name=op.f('uq_analysts_handle'))
    )
    op.create_table('journal',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_journal')),
    sa.UniqueConstraint('hash', name=op.f('uq_journal_hash'))
    )
    op.create_table('analyst_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analyst_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.BigInteger(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['analyst_id'], ['analysts.id'], name=op.f('fk_analyst_roles_analyst_id_analysts')),
    sa.ForeignKeyConstraint(['changed_by'], ['analysts.id'], name=op.f('fk_analyst_roles_changed_by_analysts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analyst_roles'))
    )
    with op.batch_alter_table('analyst_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analyst_roles_analyst_id'), ['analyst_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('analyst_id', sa.Integer(), nullable=False),
    sa.Column('logged_at', sa.BigInteger(), nullable=False),
    sa.Column('observed_on', sa.String(length=10), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('imported', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['analyst_id'], ['analysts.id'], name=op.f('fk_evidence_analyst_id_analysts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    op.create_table('imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('imported_at', sa.BigInteger(), nullable=False),
    sa.Column('analyst_id', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['analyst_id'], ['analysts.id'], name=op.f('fk_imports_analyst_id_analysts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imports')),
    sa.UniqueConstraint('sha256', name=op.f('uq_imports_sha256'))
    )
    op.create_table('scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('source_title', sa.Text(), nullable=True),
    sa.Column('source_publisher', sa.Text(), nullable=True),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('source_published', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['analysts.id'], name=op.f('fk_scenarios_created_by_analysts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenarios')),
    sa.UniqueConstraint('slug', name=op.f('uq_scenarios_slug'))
    )
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('options', sa.Text(), nullable=True),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('opens_at', sa.BigInteger(), nullable=False),
    sa.Column('closes_at', sa.BigInteger(), nullable=False),
    sa.Column('resolves_by', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['analysts.id'], name=op.f('fk_questions_created_by_analysts')),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_questions_scenario_id_scenarios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('slug', name=op.f('uq_questions_slug'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_scenario_id'), ['scenario_id'], unique=False)

    op.create_table('evidence_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.String(length=1), nullable=False),
    sa.Column('linked_at', sa.BigInteger(), nullable=False),
    sa.Column('analyst_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['analyst_id'], ['analysts.id'], name=op.f('fk_evidence_links_analyst_id_analysts')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_links_evidence_id_evidence')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_evidence_links_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_links')),
    sa.UniqueConstraint('evidence_id', 'question_id', name=op.f('uq_evidence_links_evidence_id_question_id'))
    )
    with op.batch_alter_table('evidence_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_links_question_id'), ['question_id'], unique=False)

    op.create_table('forecasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('analyst_id', sa.Integer(), nullable=False),
    sa.Column('made_at', sa.BigInteger(), nullable=False),
    sa.Column('p', sa.Double(), nullable=True),
    sa.Column('probs', sa.Text(), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('imported', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['analyst_id'], ['analysts.id'], name=op.f('fk_forecasts_analyst_id_analysts')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_forecasts_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecasts'))
    )
    with op.batch_alter_table('forecasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecasts_question_id'), ['question_id'], unique=False)

    op.create_table('question_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('amended_at', sa.BigInteger(), nullable=False),
    sa.Column('amended_by', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('clarification', sa.Text(), nullable=True),
    sa.Column('closes_at', sa.BigInteger(), nullable=True),
    sa.Column('resolves_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['amended_by'], ['analysts.id'], name=op.f('fk_question_amendments_amended_by_analysts')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_amendments_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_amendments'))
    )
    with op.batch_alter_table('question_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_amendments_question_id'), ['question_id'], unique=False)

    op.create_table('question_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_tags_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_tags')),
    sa.UniqueConstraint('question_id', 'tag', name=op.f('uq_question_tags_question_id_tag'))
    )
    with op.batch_alter_table('question_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_tags_tag'), ['tag'], unique=False)

    op.create_table('resolutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('known_at', sa.BigInteger(), nullable=False),
    sa.Column('recorded_at', sa.BigInteger(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('correction', sa.Text(), nullable=True),
    sa.Column('imported', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_resolutions_question_id_questions')),
    sa.ForeignKeyConstraint(['recorded_by'], ['analysts.id'], name=op.f('fk_resolutions_recorded_by_analysts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolutions'))
    )
    with op.batch_alter_table('resolutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolutions_question_id'), ['question_id'], unique=False)

    op.create_table('forecast_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forecast_id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_forecast_evidence_evidence_id_evidence')),
    sa.ForeignKeyConstraint(['forecast_id'], ['forecasts.id'], name=op.f('fk_forecast_evidence_forecast_id_forecasts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_evidence'))
    )
    with op.batch_alter_table('forecast_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_evidence_forecast_id'), ['forecast_id'], unique=False)

    op.create_table('resolution_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_resolution_evidence_evidence_id_evidence')),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolutions.id'], name=op.f('fk_resolution_evidence_resolution_id_resolutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_evidence'))
    )
    with op.batch_alter_table('resolution_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_evidence_resolution_id'), ['resolution_id'], unique=False)

    op.create_table('withdrawals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forecast_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['forecast_id'], ['forecasts.id'], name=op.f('fk_withdrawals_forecast_id_forecasts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawals')),
    sa.UniqueConstraint('forecast_id', name=op.f('uq_withdrawals_forecast_id'))
    )


def downgrade() -> None:
    op.drop_table('withdrawals')
    with op.batch_alter_table('resolution_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolution_evidence_resolution_id'))

    op.drop_table('resolution_evidence')
    with op.batch_alter_table('forecast_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_evidence_forecast_id'))

    op.drop_table('forecast_evidence')
    with op.batch_alter_table('resolutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolutions_question_id'))

    op.drop_table('resolutions')
    with op.batch_alter_table('question_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_tags_tag'))

    op.drop_table('question_tags')
    with op.batch_alter_table('question_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_amendments_question_id'))

    op.drop_table('question_amendments')
    with op.batch_alter_table('forecasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecasts_question_id'))

    op.drop_table('forecasts')
    with op.batch_alter_table('evidence_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_links_question_id'))

    op.drop_table('evidence_links')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_scenario_id'))

    op.drop_table('questions')
    op.drop_table('scenarios')
    op.drop_table('imports')
    op.drop_table('evidence')
    with op.batch_alter_table('analyst_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analyst_roles_analyst_id'))

    op.drop_table('analyst_roles')
    op.drop_table('journal')
    op.drop_table('analysts')
