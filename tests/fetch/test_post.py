"""A POST with a form body (a site search that posts): the body and its type reach the server, and a redirect
after the POST is followed with a GET, as browsers do."""

from __future__ import annotations

from aiohttp import web

from tests.fetch.conftest import FetcherFn, ServeFn


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    text = f"{request.method} {request.content_type} {body.decode('ascii')}"
    return web.Response(text=text, content_type="text/html")


async def see_results(request: web.Request) -> web.Response:
    if request.method != "POST":
        return web.Response(status=405)
    raise web.HTTPFound("/results")


async def test_a_post_sends_its_form_body(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    served = await serve({"/search": echo})
    fetcher = await make_fetcher(allow_private=True)
    result = await fetcher.get(served.url("/search"), method="POST", form=b"q=%E9%95%BF&siteCode=1")
    assert result.status == 200
    assert result.text == "POST application/x-www-form-urlencoded q=%E9%95%BF&siteCode=1"


async def test_a_redirect_after_a_post_is_followed_with_a_get(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    served = await serve({"/search": see_results, "/results": echo})
    fetcher = await make_fetcher(allow_private=True)
    result = await fetcher.get(served.url("/search"), method="POST", form=b"q=x")
    assert (result.status, result.final_url) == (200, served.url("/results"))
    assert result.text.startswith("GET ")
