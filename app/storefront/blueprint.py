"""The storefront blueprint, which the route modules of this package fill."""
from flask import Blueprint

blueprint = Blueprint("storefront", __name__)
