"""Improving results: the fine-tuning wizard and the model versions dialog."""
