"""The reference site: the site plan, Jinja2 -> MyST rendering, escaping of untrusted
text, diagrams, the validator page, the Sphinx extension and the build with its atomic
publish.

The last stage of the data flow: may import every package but the CLI.
"""
