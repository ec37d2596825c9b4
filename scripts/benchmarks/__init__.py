"""The sections of the semdesk benchmark (scripts/bench.py is the entry point), one module each.

common holds what every section uses (the report, timing, memory, indexing a folder); faq the FAQ
chunk judgements of the int8 and tune sections; synthetic the made-up libraries of scale and map.
"""
