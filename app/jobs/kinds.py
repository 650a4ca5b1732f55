"""Every job kind's handler, registered on import (see app/jobs/queue.py:_load_handlers)."""
from app.recommender import train_job  # noqa: F401
from app.shopify import jobs as shopify_jobs  # noqa: F401
from app.privacy import retention_job  # noqa: F401
