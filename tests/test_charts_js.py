"""ombud/core/static/ombud/charts.js in a real browser (Debian's Chromium through Playwright), under the site's CSP.

tests/fixtures/charts.html is a static page with one chart of each type (and an empty one); it sets the same
Content-Security-Policy as the site in a <meta> tag and loads the vendored ECharts and charts.js from the tree.
"""
import os
from pathlib import Path

import pytest

from .test_browser import CHROMIUM, browser  # noqa: F401  (a fixture: one Chromium shared by all browser tests)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("OMBUD_TEST_BROWSER") != "require",
                                reason="Debian's chromium is not installed (.ci/run installs it)")

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "charts.html"
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});"""


@pytest.fixture
def charts(browser):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.add_init_script(WATCH)
    page.goto(FIXTURE.as_uri())
    _all_drawn(page)
    yield page
    context.close()


def _all_drawn(page):
    assert page.locator(".chart").count() >= 5
    page.locator(".chart:not(:has(canvas))").first.wait_for(state="detached")


def _option(page, selector):
    return page.evaluate("(s) => echarts.getInstanceByDom(document.querySelector(s)).getOption()", selector)


def test_every_chart_type_draws_under_the_csp_without_errors(charts):
    kinds = charts.eval_on_selector_all(".chart", "els => els.map(e => e.getAttribute('data-chart'))")
    assert set(kinds) >= {"line", "bar", "stacked", "donut", "tilemap"}
    assert charts.locator(".chart canvas").count() >= len(kinds)
    assert charts.evaluate("window.__violations") == []
    assert charts.errors == []

    # The words a person reads come from the JSON: title as the accessible name, the empty text, the toolbox title.
    assert charts.get_attribute("[data-source='chart-daily']", "aria-label") == "每日投诉量（2024年第一季度）"
    line = _option(charts, "[data-source='chart-daily']")
    assert [s["lineStyle"]["type"] for s in line["series"]] == ["solid", "dashed"]
    assert line["dataZoom"], "more than 60 points get a slider"
    assert line["toolbox"][0]["feature"]["saveAsImage"]["title"] == "保存为图片"
    assert line["aria"]["enabled"] is True

    bar = _option(charts, "[data-source='chart-issues']")
    assert bar["yAxis"][0]["data"][0] == "质量问题", "horizontal bars run largest first, at the top"
    assert bar["series"][0]["data"][0]["href"] == "?issue=quality"

    empty = _option(charts, "[data-source='chart-empty']")
    assert empty["graphic"][0]["elements"][0]["style"]["text"] == "本期暂无数据"

    # The policy really is in force on this file:// page, so the empty list above means something.
    charts.evaluate("""() => { document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>'); }""")
    charts.wait_for_function("window.__violations.length > 0")
    assert "style-src" in charts.evaluate("window.__violations")[0]


def test_the_tile_map_has_one_square_per_provincial_level_unit(charts):
    tiles = _option(charts, "[data-chart='tilemap']")["series"][0]["data"]
    assert len(tiles) == 34
    assert len({(t["value"][0], t["value"][1]) for t in tiles}) == 34, "no two units share a tile"
    names = {t["name"] for t in tiles}
    assert {"黑龙江", "新疆", "海南", "台湾", "香港", "澳门", "浙江"} <= names
    grey = sorted(t["name"] for t in tiles if t["value"][2] in ("-", None))
    assert grey == sorted(["台湾", "香港", "澳门"])  # the units the fixture has no figures for
    zhejiang = next(t for t in tiles if t["name"] == "浙江")
    assert zhejiang["value"][2] == 912 and zhejiang["href"] == "?region=330000"


def test_clicking_a_bar_follows_its_link(charts):
    point = charts.evaluate("""() => {
        const el = document.querySelector("[data-source='chart-issues']");
        el.scrollIntoView();
        const [x, y] = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [100, 0]);
        const box = el.getBoundingClientRect();
        return [box.left + x, box.top + y];
    }""")
    charts.mouse.click(*point)
    charts.wait_for_url("**/charts.html?issue=quality")


def test_htmx_swaps_draw_new_charts_once_and_dispose_removed_ones(charts):
    before = charts.evaluate("""() => {
        const old = document.querySelector("[data-source='chart-outcomes']");
        window.__removed = old;
        old.closest("section").remove();
        const kept = document.querySelector("[data-source='chart-issues']");
        window.__kept = echarts.getInstanceByDom(kept).id;
        const json = document.createElement("script");
        json.type = "application/json";
        json.id = "chart-swapped";
        json.textContent = JSON.stringify({title: "新增", empty: "无", items: [{name: "甲", value: 3}, {name: "乙", value: 5}]});
        const div = document.createElement("div");
        div.className = "chart";
        div.dataset.chart = "bar";
        div.dataset.source = "chart-swapped";
        document.querySelector("main").append(div, json);
        document.dispatchEvent(new CustomEvent("htmx:afterSettle", {bubbles: true}));
        return echarts.getInstanceByDom(window.__removed);
    }""")
    assert before is None, "the removed chart was disposed"
    charts.wait_for_selector("[data-source='chart-swapped'] canvas")
    assert charts.evaluate("""() => echarts.getInstanceByDom(document.querySelector("[data-source='chart-issues']")).id
                              === window.__kept""")
    assert charts.locator("[data-source='chart-issues'] canvas").count() == 1
    assert charts.evaluate("window.__violations") == []
    assert charts.errors == []
