"""All SQLAlchemy models; importing this package registers every table on Base.metadata."""
from app.models.catalog import Product
from app.models.clv_fit import CLV_FIT_STATUSES, ClvFit
from app.models.event import EVENT_TYPES, Event, RejectedEvent
from app.models.experiment import GLOBAL_HOLDOUT, Assignment, Experiment
from app.models.job import JOB_STATUSES, Job
from app.models.lead import DiscountCode, Lead, LeadConsent
from app.models.model_version import MODEL_STATUSES, ModelVersion
from app.models.order import Order, OrderLine
from app.models.profile import Profile, VisitorId
from app.models.rule import RULE_KINDS, Rule, RuleDraft
from app.models.segment import Segment
from app.models.shop import Shop, hash_secret_key
from app.models.shop_user import LoginThrottle, ShopUser
from app.models.shopify import ShopifyInstall, WebhookDelivery
from app.models.survey import SurveyAnswer, SurveyAnswerSegment
from app.models.versions import bump as bump_shop_versions

__all__ = [
    "CLV_FIT_STATUSES",
    "ClvFit",
    "EVENT_TYPES",
    "Assignment",
    "Event",
    "Experiment",
    "GLOBAL_HOLDOUT",
    "JOB_STATUSES",
    "Job",
    "DiscountCode",
    "Lead",
    "LeadConsent",
    "LoginThrottle",
    "RULE_KINDS",
    "Rule",
    "RuleDraft",
    "MODEL_STATUSES",
    "ModelVersion",
    "Order",
    "OrderLine",
    "Product",
    "Profile",
    "RejectedEvent",
    "Segment",
    "Shop",
    "ShopUser",
    "ShopifyInstall",
    "SurveyAnswer",
    "SurveyAnswerSegment",
    "WebhookDelivery",
    "VisitorId",
    "hash_secret_key",
    "bump_shop_versions",
]
