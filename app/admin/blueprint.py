"""The admin API blueprint (/admin/api/...), which the route modules of this package fill."""
from flask import Blueprint

from app.errors import ApiError, api_error_response
from app.resources.errors import Conflict, Invalid, NotFound, ResourceError

blueprint = Blueprint("admin_api", __name__, url_prefix="/admin/api")

_STATUS = {NotFound: 404, Invalid: 400, Conflict: 409}


@blueprint.errorhandler(ResourceError)
def _resource_error(error: ResourceError):
    """What app/resources refused, as the API's JSON error with its field messages."""
    return api_error_response(ApiError(_STATUS.get(type(error), 400), error.message, error.errors))
