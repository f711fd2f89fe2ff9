"""The advice as code: pure rules and the use cases that apply them."""
