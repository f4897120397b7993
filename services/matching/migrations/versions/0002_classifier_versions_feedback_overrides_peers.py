"""classifier versions, feedback, overrides, peer index and suggestions

Revision ID: 0002
Revises: 0001
Created: 2026-11-28 10:27:06.367602
"""

from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('model_versions',
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('activated_at', shared.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('train_texts', sa.Integer(), nullable=False),
    sa.Column('corrections', sa.Integer(), nullable=False),
    sa.Column('feedback_members', sa.JSON(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('blob', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_model_versions'))
    )
    with op.batch_alter_table('model_versions', schema=None) as batch_op:
        batch_op.create_index('uq_model_versions_active', ['active'], unique=True, postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))

    op.create_table('peer_exposure',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('member_id', 'month', name=op.f('pk_peer_exposure'))
    )
    op.create_table('peer_index_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('text_id', sa.String(length=100), nullable=True),
    sa.Column('changed_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_index_changes'))
    )
    op.create_table('peer_suggestions',
    sa.Column('suggestion_id', sa.String(length=36), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('asking_member_id', sa.String(length=36), nullable=False),
    sa.Column('offering_member_id', sa.String(length=36), nullable=False),
    sa.Column('offer_text_id', sa.String(length=100), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('suggested_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('suggestion_id', name=op.f('pk_peer_suggestions'))
    )
    with op.batch_alter_table('peer_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_suggestions_asking_member_id'), ['asking_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_suggestions_offering_member_id'), ['offering_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_suggestions_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_suggestions_submission_id'), ['submission_id'], unique=False)

    op.create_table('theme_overrides',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['profiles.member_id'], name=op.f('fk_theme_overrides_member_id_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'slug', name=op.f('pk_theme_overrides'))
    )
    op.create_table('label_feedback',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('text_id', sa.String(length=100), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('previous', sa.JSON(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['profiles.member_id'], name=op.f('fk_label_feedback_member_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['text_id'], ['texts.text_id'], name=op.f('fk_label_feedback_text_id_texts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label_feedback'))
    )
    with op.batch_alter_table('label_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_label_feedback_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_label_feedback_text_id'), ['text_id'], unique=False)

    op.create_table('peer_offers',
    sa.Column('text_id', sa.String(length=100), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('province_code', sa.String(length=4), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['profiles.member_id'], name=op.f('fk_peer_offers_member_id_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['text_id'], ['texts.text_id'], name=op.f('fk_peer_offers_text_id_texts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('text_id', name=op.f('pk_peer_offers'))
    )
    with op.batch_alter_table('peer_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_offers_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('member_themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), server_default='auto', nullable=False))

    with op.batch_alter_table('texts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scores', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('explanations', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('stated_themes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('terms', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', shared.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_texts_review_queue', ['created_at'], unique=False, postgresql_where=sa.text('needs_review'), sqlite_where=sa.text('needs_review'))

    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_theme_assignments_slug', ['slug'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('theme_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_theme_assignments_slug')

    with op.batch_alter_table('texts', schema=None) as batch_op:
        batch_op.drop_index('ix_texts_review_queue', postgresql_where=sa.text('needs_review'), sqlite_where=sa.text('needs_review'))
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('terms')
        batch_op.drop_column('stated_themes')
        batch_op.drop_column('confidence')
        batch_op.drop_column('explanations')
        batch_op.drop_column('scores')

    with op.batch_alter_table('member_themes', schema=None) as batch_op:
        batch_op.drop_column('source')

    with op.batch_alter_table('peer_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_offers_member_id'))

    op.drop_table('peer_offers')
    with op.batch_alter_table('label_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_label_feedback_text_id'))
        batch_op.drop_index(batch_op.f('ix_label_feedback_member_id'))

    op.drop_table('label_feedback')
    op.drop_table('theme_overrides')
    with op.batch_alter_table('peer_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_suggestions_submission_id'))
        batch_op.drop_index(batch_op.f('ix_peer_suggestions_question_id'))
        batch_op.drop_index(batch_op.f('ix_peer_suggestions_offering_member_id'))
        batch_op.drop_index(batch_op.f('ix_peer_suggestions_asking_member_id'))

    op.drop_table('peer_suggestions')
    op.drop_table('peer_index_changes')
    op.drop_table('peer_exposure')
    with op.batch_alter_table('model_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_model_versions_active', postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))

    op.drop_table('model_versions')
