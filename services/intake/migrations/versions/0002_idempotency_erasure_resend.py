"""idempotency keys, erasure requests and reports, resend bookkeeping

Revision ID: 0002
Revises: 0001
Created: 2026-11-28 07:14:51.402286
"""

from alembic import op
import sqlalchemy as sa
import shared.db.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('erasure_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.Column('erased_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests'))
    )
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_requests_erased_at'), ['erased_at'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_idempotency_keys'))
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_idempotency_keys_submission_id'), ['submission_id'], unique=False)

    op.create_table('erasure_reports',
    sa.Column('erasure_id', sa.String(length=36), nullable=False),
    sa.Column('service', sa.String(length=30), nullable=False),
    sa.Column('completed_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reported_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['erasure_id'], ['erasure_requests.id'], name=op.f('fk_erasure_reports_erasure_id_erasure_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('erasure_id', 'service', name=op.f('pk_erasure_reports'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_sent_at', shared.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resend_count', sa.Integer(), server_default=sa.text('0'), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('resend_count')
        batch_op.drop_column('last_sent_at')

    op.drop_table('erasure_reports')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_submission_id'))
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_expires_at'))

    op.drop_table('idempotency_keys')
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_requests_erased_at'))

    op.drop_table('erasure_requests')
