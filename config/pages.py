"""Helpers shared by the server-rendered pages of every app: paging a list."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PER_PAGE = 25


@dataclass(frozen=True)
class PageLink:
    number: int | None
    url: str
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """One page of a list and the links to the others, keeping the other query parameters."""

    page: Page
    links: list[PageLink]
    previous_url: str
    next_url: str


def paginate(request, items, *, param: str = "page", per_page: int = PER_PAGE) -> Pager:
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    links = [
        PageLink(None, "") if number == Paginator.ELLIPSIS else PageLink(number, url(number), number == page.number)
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return Pager(
        page=page,
        links=links if paginator.num_pages > 1 else [],
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )
