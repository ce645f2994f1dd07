"""Keyset pagination for the public pages: the cost of a page never grows with its number.

A page is asked for by the id of a row on its edge (`?after=<id>` for the next
page, `?before=<id>` for the previous one, `?last=1` for the last), never by
an OFFSET that the database would have to scan past. The ordering always ends
with the primary key, so two rows never tie and paging through any sort sees
every row exactly once, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Expression, F, Q, Value
from django.http import QueryDict


@dataclass(frozen=True)
class Key:
    """One sort key: a field path or an annotation's name, and its direction."""

    name: str
    descending: bool = False

    def flipped(self) -> "Key":
        return Key(self.name, not self.descending)

    def order(self):
        expression = F(self.name)
        return expression.desc() if self.descending else expression.asc()


class RowComparison(Expression):
    """`(a, b, …) > (x, y, …)` in SQL: a row-value comparison, which an index on (a, b, …) serves directly."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, names: list[str], values: list, operator: str):
        super().__init__()
        self.left = [F(name) for name in names]
        self.right = [Value(value) for value in values]
        self.operator = operator

    def get_source_expressions(self):
        return [*self.left, *self.right]

    def set_source_expressions(self, expressions):
        self.left, self.right = expressions[: len(self.left)], expressions[len(self.left) :]

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for side in (self.left, self.right):
            parts = []
            for expression in side:
                sql, part_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(part_params)
            sides.append("(" + ", ".join(parts) + ")")
        return f"{sides[0]} {self.operator} {sides[1]}", params


def _beyond(keys: list[Key], values: list) -> Q:
    """Rows strictly after `values` in the order `keys`."""
    first = keys[0]
    # The redundant bound on the first key lets the database start an index range scan there.
    bound = Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": values[0]})
    if len({key.descending for key in keys}) == 1:
        return bound & Q(RowComparison([key.name for key in keys], values, "<" if first.descending else ">"))
    # Mixed directions: the lexicographic comparison spelled out.
    condition = Q()
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        lookup = "lt" if key.descending else "gt"
        condition |= equal & Q(**{f"{key.name}__{lookup}": value})
        equal &= Q(**{key.name: value})
    return bound & condition


@dataclass
class KeysetPage:
    """One page of rows plus the addresses of its neighbours (query strings, without '?')."""

    rows: list
    params: QueryDict
    has_previous: bool
    has_next: bool
    is_first: bool
    is_last: bool
    extra: dict = field(default_factory=dict)

    def _link(self, **changes) -> str:
        params = self.params.copy()
        for name in ("after", "before", "last"):
            params.pop(name, None)
        for name, value in changes.items():
            params[name] = value
        return params.urlencode()

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def first_link(self) -> str:
        return self._link()

    @property
    def previous_link(self) -> str:
        return self._link(before=self.rows[0].pk) if self.rows else self._link()

    @property
    def next_link(self) -> str:
        return self._link(after=self.rows[-1].pk) if self.rows else self._link()

    @property
    def last_link(self) -> str:
        return self._link(last=1)


def _edge_id(params: QueryDict, name: str) -> int | None:
    value = params.get(name, "")
    return int(value) if value.isdigit() else None


def keyset_page(queryset, keys: list[Key], params: QueryDict, per_page: int) -> KeysetPage:
    """The page of `queryset` in the order `keys` (the primary key is added last) that `params` asks for.

    Always two queries at most: the edge row's sort values (only when a page
    edge is given) and the page itself. An edge row that no longer matches
    (deleted, or filtered out) gives the first page.
    """
    keys = [*keys, Key("pk", keys[-1].descending if keys else False)] if not keys or keys[-1].name != "pk" else keys
    after, before = _edge_id(params, "after"), _edge_id(params, "before")
    last = params.get("last") == "1"
    edge_id = after if after is not None else before
    backwards = before is not None or (last and after is None)
    ordering = [key.flipped() if backwards else key for key in keys]
    rows_query = queryset.order_by(*(key.order() for key in ordering))
    if edge_id is not None:
        values = queryset.filter(pk=edge_id).values_list(*(key.name for key in keys)).first()
        if values is None:
            edge_id, backwards, last = None, False, False
            ordering = keys
            rows_query = queryset.order_by(*(key.order() for key in keys))
        else:
            rows_query = rows_query.filter(_beyond(ordering, list(values)))
    rows = list(rows_query[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, edge_id is not None
    else:
        has_previous, has_next = edge_id is not None, more
    return KeysetPage(
        rows=rows,
        params=params,
        has_previous=has_previous,
        has_next=has_next,
        is_first=not has_previous,
        is_last=not has_next,
    )


def capped_count(queryset, cap: int) -> tuple[int, bool]:
    """(number of rows, whether there are more than `cap`), counting at most cap + 1 rows."""
    n = queryset.order_by()[: cap + 1].count()
    return min(n, cap), n > cap
