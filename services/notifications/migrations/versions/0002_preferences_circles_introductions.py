"""contacts learn consents and preferences; circles, introductions, deferred events,
suppressions and erasure tombstones; e-mails get a category, List-Unsubscribe and digest link

Revision ID: 0002
Revises: 0001
Created: 2026-11-28 07:11:55.101708
"""

from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('circles',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('theme', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('member_id', 'theme', name=op.f('pk_circles'))
    )
    op.create_table('deferred_events',
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('envelope', sa.JSON(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_deferred_events'))
    )
    with op.batch_alter_table('deferred_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deferred_events_member_id'), ['member_id'], unique=False)

    op.create_table('erased_members',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('erased_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_erased_members'))
    )
    op.create_table('introductions',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('asking_member_id', sa.String(length=36), nullable=False),
    sa.Column('offering_member_id', sa.String(length=36), nullable=False),
    sa.Column('question_text', sa.Text(), nullable=True),
    sa.Column('expertise_text', sa.Text(), nullable=True),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('asking_answer', sa.String(length=20), nullable=True),
    sa.Column('offering_answer', sa.String(length=20), nullable=True),
    sa.Column('asking_asked_at', shared.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('offering_asked_at', shared.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revealed_at', shared.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introductions'))
    )
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introductions_asking_member_id'), ['asking_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introductions_offering_member_id'), ['offering_member_id'], unique=False)

    op.create_table('suppressions',
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('address_hash', name=op.f('pk_suppressions'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('consent_contact', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('consent_peer_introductions', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('erasure_token', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('language_chosen', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('introductions', sa.String(length=20), server_default='immediately', nullable=False))
        batch_op.add_column(sa.Column('agenda', sa.String(length=20), server_default='immediately', nullable=False))
        batch_op.add_column(sa.Column('circle_news', sa.String(length=20), server_default='immediately', nullable=False))
        batch_op.add_column(sa.Column('welcomed', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=30), server_default='transactional', nullable=False))
        batch_op.add_column(sa.Column('list_unsubscribe', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('digest_email_id', sa.String(length=36), nullable=True))
        batch_op.create_index('ix_emails_held_member', ['member_id', 'state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.drop_index('ix_emails_held_member')
        batch_op.drop_column('digest_email_id')
        batch_op.drop_column('list_unsubscribe')
        batch_op.drop_column('category')

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('welcomed')
        batch_op.drop_column('circle_news')
        batch_op.drop_column('agenda')
        batch_op.drop_column('introductions')
        batch_op.drop_column('language_chosen')
        batch_op.drop_column('erasure_token')
        batch_op.drop_column('consent_peer_introductions')
        batch_op.drop_column('consent_contact')
        batch_op.drop_column('confirmed')

    op.drop_table('suppressions')
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introductions_offering_member_id'))
        batch_op.drop_index(batch_op.f('ix_introductions_asking_member_id'))

    op.drop_table('introductions')
    op.drop_table('erased_members')
    with op.batch_alter_table('deferred_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deferred_events_member_id'))

    op.drop_table('deferred_events')
    op.drop_table('circles')
