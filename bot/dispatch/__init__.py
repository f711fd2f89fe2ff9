"""Delivering the coach's nudges to Slack: claim due rows, render, post, record."""
