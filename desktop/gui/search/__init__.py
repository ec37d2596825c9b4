"""Searching: the search box, the controller that runs queries, the result lists and what can be done with a result."""
