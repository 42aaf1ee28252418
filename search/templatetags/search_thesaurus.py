"""What the thesaurus added to a search, for the search page's "Søgte også efter" line."""

from django import template

from search.understanding import also_searched_for

register = template.Library()


@register.simple_tag
def also_searched(result) -> list[str]:
    """The thesaurus's alternatives for the text the result answers (the corrected text, when that was shown)."""
    text = result.searched_text or result.query.text
    return also_searched_for(text) if text else []
