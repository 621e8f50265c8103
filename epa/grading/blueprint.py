"""The grading pages' blueprint, apart from its views so that each page module can add to it
without importing another (`epa.grading.views` gathers them, and the app registers it)."""

from flask import Blueprint

bp = Blueprint("grading", __name__)
