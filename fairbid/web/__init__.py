"""Server-rendered pages (Jinja2) for the public, bidders and the centre."""

__all__: list[str] = []
