"""Pages of the API: cursors for the large sets (a province's 50,000 institutions are read
page by page at the same cost whatever the page), numbered pages for the small ones."""

from rest_framework.pagination import CursorPagination, PageNumberPagination

MAX_PAGE_SIZE = 500


class Cursor(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-pk"


class ByIdCursor(Cursor):
    ordering = "pk"


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
