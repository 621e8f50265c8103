"""The blueprint of the sign-in, password reset and account pages (views.py and
account_views.py), apart from both so that neither imports the other for it."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
