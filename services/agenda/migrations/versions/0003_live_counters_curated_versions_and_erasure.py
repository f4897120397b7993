"""live counters, curated versions and erasure

Counter tables for the incremental live agenda (theme_cells with member_cells, theme_days),
question_themes and questions.signature for grouping alike questions, the worker's last
grouping (representative_questions), drafts, versions with
the questions they quote, and erased member ids. Before this revision agenda only had the
skeleton's counts (never published), so nothing is backfilled.

Revision ID: 0003
Revises: 0002
Created: 2026-11-28 10:18:45.806631
"""

from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agenda_drafts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('order', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('hidden_questions', sa.JSON(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_drafts'))
    )
    op.create_table('agenda_versions',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('published_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('reissue_of', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('redacted_at', shared.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_agenda_versions'))
    )
    with op.batch_alter_table('agenda_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_versions_published_at'), ['published_at'], unique=False)

    op.create_table('erased_members',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('erased_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_erased_members'))
    )
    op.create_table('member_cells',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=30), nullable=False),
    sa.PrimaryKeyConstraint('member_id', 'slug', 'dimension', 'value', name=op.f('pk_member_cells'))
    )
    op.create_table('representative_questions',
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('text_id', sa.String(length=100), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('similar_count', sa.Integer(), nullable=False),
    sa.Column('computed_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('slug', 'position', name=op.f('pk_representative_questions'))
    )
    with op.batch_alter_table('representative_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_representative_questions_text_id'), ['text_id'], unique=False)

    op.create_table('theme_cells',
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=30), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('slug', 'dimension', 'value', name=op.f('pk_theme_cells'))
    )
    op.create_table('theme_days',
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('texts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('slug', 'day', name=op.f('pk_theme_days'))
    )
    op.create_table('agenda_version_quotes',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.String(length=100), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['version'], ['agenda_versions.version'], name=op.f('fk_agenda_version_quotes_version_agenda_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version', 'text_id', name=op.f('pk_agenda_version_quotes'))
    )
    with op.batch_alter_table('agenda_version_quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_version_quotes_member_id'), ['member_id'], unique=False)

    op.create_table('question_themes',
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('text_id', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['text_id'], ['questions.text_id'], name=op.f('fk_question_themes_text_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('slug', 'text_id', name=op.f('pk_question_themes'))
    )
    with op.batch_alter_table('question_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_themes_text_id'), ['text_id'], unique=False)

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature', sa.Text(), nullable=True))

    if op.get_bind().dialect.name == 'postgresql':
        # Counters are updated in place all the time: room on each page lets PostgreSQL do
        # that without touching the primary key index (HOT updates).
        for table in ('theme_stats', 'theme_cells', 'theme_days'):
            op.execute(f'ALTER TABLE {table} SET (fillfactor = 60)')



def downgrade() -> None:
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('signature')

    with op.batch_alter_table('question_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_themes_text_id'))

    op.drop_table('question_themes')
    with op.batch_alter_table('agenda_version_quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_version_quotes_member_id'))

    op.drop_table('agenda_version_quotes')
    op.drop_table('theme_days')
    with op.batch_alter_table('representative_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_representative_questions_text_id'))

    op.drop_table('representative_questions')
    op.drop_table('theme_cells')
    op.drop_table('member_cells')
    op.drop_table('erased_members')
    with op.batch_alter_table('agenda_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_versions_published_at'))

    op.drop_table('agenda_versions')
    op.drop_table('agenda_drafts')
