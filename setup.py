"""Packaging that pyproject.toml cannot say alone: the Alembic revisions in the top-level
migrations/ folder ship inside the wheel as the package `bot.migrations`, so an installed
bot migrates from any working directory."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["bot", "bot.*"]),
        "bot.migrations",
        "bot.migrations.versions",
    ],
    package_dir={"bot.migrations": "migrations"},
    package_data={"bot.migrations": ["script.py.mako"], "bot.rules": ["*.toml"]},
)
