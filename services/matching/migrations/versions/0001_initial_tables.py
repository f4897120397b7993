"""initial tables

Revision ID: 0001
Revises: 
Created: 2026-11-28 06:50:23.727558
"""

from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox',
    sa.Column('consumer', sa.String(length=60), nullable=False),
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('event_type', sa.String(length=120), nullable=False),
    sa.Column('processed_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id', name=op.f('pk_inbox'))
    )
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_processed_at'), ['processed_at'], unique=False)

    op.create_table('outbox',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('event_type', sa.String(length=120), nullable=False),
    sa.Column('envelope', sa.Text(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', shared.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('next_attempt_at', shared.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_event_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_unpublished', ['seq'], unique=False, postgresql_where=sa.text('published_at IS NULL'), sqlite_where=sa.text('published_at IS NULL'))

    op.create_table('profiles',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('province_code', sa.String(length=4), nullable=False),
    sa.Column('peer_introductions', sa.Boolean(), nullable=False),
    sa.Column('updated_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_profiles'))
    )
    op.create_table('member_themes',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['profiles.member_id'], name=op.f('fk_member_themes_member_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'slug', name=op.f('pk_member_themes'))
    )
    op.create_table('texts',
    sa.Column('text_id', sa.String(length=100), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('classifier_version', sa.String(length=100), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['profiles.member_id'], name=op.f('fk_texts_member_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('text_id', name=op.f('pk_texts'))
    )
    with op.batch_alter_table('texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_texts_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_texts_submission_id'), ['submission_id'], unique=False)

    op.create_table('theme_assignments',
    sa.Column('text_id', sa.String(length=100), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['text_id'], ['texts.text_id'], name=op.f('fk_theme_assignments_text_id_texts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('text_id', 'slug', name=op.f('pk_theme_assignments'))
    )


def downgrade() -> None:
    op.drop_table('theme_assignments')
    with op.batch_alter_table('texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_texts_submission_id'))
        batch_op.drop_index(batch_op.f('ix_texts_member_id'))

    op.drop_table('texts')
    op.drop_table('member_themes')
    op.drop_table('profiles')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_unpublished', postgresql_where=sa.text('published_at IS NULL'), sqlite_where=sa.text('published_at IS NULL'))

    op.drop_table('outbox')
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_processed_at'))

    op.drop_table('inbox')
