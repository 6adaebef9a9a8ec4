"""The reference site.

- `plan`: which pages exist and how they link (plain data);
- `render`: Jinja2 templates -> MyST pages; `escape`: untrusted text made inert in them;
- `diagram`: association diagrams (SVG); `validator_page`: the in-browser validator's data;
- `sphinx_ext`: the Sphinx extension; `build`: the build (`build.build`) and its atomic
  publish.

The last stage of the data flow: may import every package but the CLI.
"""

from asnatlas.web.build import BuildError, BuildReport

__all__ = ["BuildError", "BuildReport"]
