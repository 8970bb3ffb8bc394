// Analytics charts drawn with the vendored Apache ECharts. No build step, no modules, nothing inline (CSP-safe):
// the server renders <div class="chart" data-chart="TYPE" data-source="ID" data-height="320"></div> beside a
// <script type="application/json" id="ID"> with the data, and every word a person reads comes from that JSON.
(function () {
  "use strict";
  if (!window.echarts) { return; }

  // China's 34 provincial-level units as a tile grid, keyed by the first two digits of the GB/T 2260 code: [col, row].
  const TILES = {
    "23": [6, 0],
    "15": [3, 1], "11": [4, 1], "21": [5, 1], "22": [6, 1],
    "65": [0, 2], "62": [1, 2], "64": [2, 2], "14": [3, 2], "13": [4, 2], "12": [5, 2],
    "54": [0, 3], "63": [1, 3], "61": [2, 3], "41": [3, 3], "37": [4, 3],
    "51": [1, 4], "50": [2, 4], "42": [3, 4], "34": [4, 4], "32": [5, 4], "31": [6, 4],
    "53": [1, 5], "52": [2, 5], "43": [3, 5], "36": [4, 5], "33": [5, 5],
    "45": [2, 6], "44": [3, 6], "35": [4, 6], "71": [5, 6],
    "46": [2, 7], "82": [3, 7], "81": [4, 7],
  };
  const SHORT = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东", "41": "河南",
    "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南", "50": "重庆", "51": "四川", "52": "贵州",
    "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆", "71": "台湾",
    "81": "香港", "82": "澳门",
  };
  const PREFIX_UNITS = ["¥", "￥", "$", "€", "£"];
  const live = new Map();  // chart div -> ECharts instance

  function css(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }
  const INK = css("--ink", "#1b1f24"), MUTED = css("--muted", "#4a5360"), LINE = css("--line", "#c9d1da");
  const BRAND = css("--brand", "#0b4f9c");
  const PALETTE = [BRAND, "#d9730d", "#2e8540", "#b8323f", "#6a4c93", "#1b8a8f", "#7a8691", "#b08900"];
  let numbers;
  try { numbers = new Intl.NumberFormat(document.documentElement.lang || undefined); } catch (e) { numbers = new Intl.NumberFormat(); }

  function formatter(unit) {
    return function (v) {
      if (v === null || v === undefined || v === "-" || Number.isNaN(Number(v))) { return "-"; }
      const n = numbers.format(Number(v));
      if (!unit) { return n; }
      return PREFIX_UNITS.indexOf(unit) >= 0 ? unit + n : n + " " + unit;
    };
  }
  const allIntegers = (values) => values.every((v) => v === null || Number.isInteger(Number(v)));
  const clickable = (items) => items.some((it) => it && it.href);

  // Title, legend and grid stacked from the top, so that nothing overlaps.
  function frame(d, legend) {
    const top = d.title ? 30 : 4;
    return {top: top, gridTop: top + (legend ? 34 : 14)};
  }

  function line(d, fmt) {
    const many = d.x.length > 60, f = frame(d, true);
    return {
      legend: {top: f.top, type: "scroll", left: "center", width: "80%"},
      tooltip: {trigger: "axis", valueFormatter: fmt},
      grid: {left: 12, right: 24, top: f.gridTop, bottom: many ? 64 : 12},
      xAxis: {type: "category", data: d.x, boundaryGap: false},
      yAxis: {type: "value", minInterval: allIntegers([].concat.apply([], d.series.map((s) => s.data))) ? 1 : 0,
              axisLabel: {hideOverlap: true, formatter: (v) => numbers.format(v)}},
      dataZoom: many ? [{type: "slider", bottom: 12}] : [],  // no wheel zoom: the page must still scroll
      series: d.series.map((s) => ({
        type: "line", name: s.name, data: s.data, stack: d.stack ? "total" : undefined,
        areaStyle: d.stack ? {opacity: 0.2} : undefined, showSymbol: d.x.length <= 31, symbolSize: 5,
        lineStyle: {width: 2, type: s.dashed ? "dashed" : "solid"}, emphasis: {focus: "series"},
      })),
    };
  }

  function bar(d, fmt) {
    const horizontal = d.horizontal !== false, f = frame(d, false);
    const items = d.items.slice();
    if (horizontal) { items.sort((a, b) => b.value - a.value); }
    const category = {type: "category", data: items.map((it) => it.name), inverse: horizontal,
                      axisTick: {show: false}, axisLabel: {color: INK}};
    // Every bar carries its value, so a horizontal chart needs no numbers along the value axis.
    const value = {type: "value", minInterval: allIntegers(items.map((it) => it.value)) ? 1 : 0,
                   axisLabel: {show: !horizontal, hideOverlap: true, formatter: (v) => numbers.format(v)}};
    return {
      tooltip: {trigger: "item", formatter: (p) => p.name + ": " + fmt(p.value)},
      grid: {left: 12, right: horizontal ? 56 : 12, top: f.gridTop, bottom: 12},
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{
        type: "bar", data: items.map((it) => ({name: it.name, value: it.value, href: it.href})),
        cursor: clickable(items) ? "pointer" : "default", barMaxWidth: 28, itemStyle: {color: BRAND},
        label: {show: true, position: horizontal ? "right" : "top", color: MUTED, formatter: (p) => fmt(p.value)},
      }],
    };
  }

  function stacked(d, fmt) {
    const f = frame(d, true);
    return {
      legend: {top: f.top, type: "scroll", left: "center", width: "80%"},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: fmt},
      grid: {left: 12, right: 24, top: f.gridTop, bottom: 12},
      xAxis: {type: "category", data: d.x},
      yAxis: {type: "value", axisLabel: {hideOverlap: true, formatter: (v) => numbers.format(v)}},
      series: d.series.map((s) => ({type: "bar", name: s.name, data: s.data, stack: "total", barMaxWidth: 40,
                                    emphasis: {focus: "series"}})),
    };
  }

  function donut(d, fmt) {
    // Legend beside the ring, or below it (without outer labels) on a narrow chart.
    const wide = {legend: {orient: "vertical", left: "72%", top: "middle"},
                  series: [{center: ["38%", d.title ? "54%" : "50%"], radius: ["42%", "68%"], label: {show: true}}]};
    const narrow = {legend: {orient: "horizontal", left: "center", top: "bottom"},
                    series: [{center: ["50%", "46%"], radius: ["38%", "62%"], label: {show: false}}]};
    return {
      media: [{option: wide}, {query: {maxWidth: 520}, option: narrow}],
      legend: {type: "scroll"},
      tooltip: {trigger: "item", formatter: (p) => p.name + ": " + fmt(p.value) + " (" + p.percent + "%)"},
      series: [{
        type: "pie", avoidLabelOverlap: true,
        data: d.items.map((it) => ({name: it.name, value: it.value, href: it.href})),
        cursor: clickable(d.items) ? "pointer" : "default",
        itemStyle: {borderColor: "#fff", borderWidth: 2},
        label: {formatter: "{d}%", color: MUTED}, minShowLabelAngle: 6,
      }],
    };
  }

  function tilemap(d, fmt) {
    const byCode = {};
    d.items.forEach((it) => { byCode[String(it.code).slice(0, 2)] = it; });
    const values = d.items.map((it) => Number(it.value)).filter((v) => !Number.isNaN(v));
    const max = Math.max(Number(d.max) || 0, Math.max.apply(null, values.concat([1])));
    const top = d.title ? 30 : 4, bottom = 44, cols = 7, rows = 8;
    const data = Object.keys(TILES).map((k) => {
      const it = byCode[k] || {}, has = it.value !== undefined && it.value !== null;
      return {name: it.name || SHORT[k], href: it.href, value: [TILES[k][0], TILES[k][1], has ? it.value : "-"]};
    });
    return {
      tooltip: {trigger: "item", formatter: (p) => p.name + (Number.isNaN(Number(p.value[2])) ? "" : ": " + fmt(p.value[2]))},
      visualMap: {type: "continuous", min: 0, max: max, dimension: 2, seriesIndex: 0, orient: "horizontal",
                  left: "center", bottom: 4, itemHeight: 160, itemWidth: 12, text: [fmt(max), fmt(0)],
                  textStyle: {color: MUTED}, inRange: {color: ["#e8f0fb", "#6f9fd8", BRAND, "#062d5a"]}},
      series: [{
        type: "custom", coordinateSystem: "none", data: data, cursor: clickable(d.items) ? "pointer" : "default",
        renderItem: function (params, api) {
          const w = api.getWidth(), h = api.getHeight() - top - bottom;
          const size = Math.min(w / cols, h / rows), gap = Math.max(2, size * 0.06);
          const x = (w - cols * size) / 2 + api.value(0) * size, y = top + (h - rows * size) / 2 + api.value(1) * size;
          const v = Number(api.value(2)), has = !Number.isNaN(v), font = Math.max(9, Math.min(15, size * 0.24));
          const dark = has && v / max > 0.45;
          const text = "{n|" + data[params.dataIndex].name + "}" + (has ? "\n{v|" + fmt(v) + "}" : "");
          return {
            type: "rect", shape: {x: x + gap / 2, y: y + gap / 2, width: size - gap, height: size - gap, r: 3},
            style: {fill: has ? api.visual("color") : "#e3e8ee", stroke: has ? "none" : LINE},
            emphasis: {style: {stroke: INK, lineWidth: 2}},
            textContent: {style: {text: text, align: "center", verticalAlign: "middle", rich: {
              n: {fontSize: font, fontWeight: 600, color: dark ? "#fff" : (has ? INK : MUTED), lineHeight: font * 1.25},
              v: {fontSize: font * 0.85, color: dark ? "#fff" : MUTED, lineHeight: font * 1.15},
            }}},
            textConfig: {position: "inside"},
          };
        },
      }],
    };
  }

  const BUILDERS = {line: line, bar: bar, stacked: stacked, donut: donut, tilemap: tilemap};

  function isEmpty(type, d) {
    const has = (a) => Array.isArray(a) && a.length > 0;
    if (type === "line" || type === "stacked") {
      return !has(d.x) || !has(d.series) || d.series.every((s) => !has(s.data));
    }
    return !has(d.items);
  }

  function optionFor(el, d) {
    const type = el.getAttribute("data-chart"), labels = d.labels || {};
    const build = BUILDERS[type];
    if (!build) { return null; }
    const empty = isEmpty(type, d);
    const option = empty ? {graphic: {type: "text", left: "center", top: "middle",
                                      style: {text: d.empty || "", fill: MUTED, fontSize: 14}}}
                         : build(d, formatter(d.unit));
    const save = {type: "png", pixelRatio: 2, backgroundColor: "#fff", name: d.title || el.getAttribute("data-source")};
    if (labels.save_image) { save.title = labels.save_image; }
    const media = option.media;
    delete option.media;
    const base = Object.assign({
      color: PALETTE, animationDuration: 400,
      textStyle: {fontFamily: getComputedStyle(el).fontFamily || "sans-serif", color: INK},
      title: d.title ? {text: d.title, left: 0, top: 0, textStyle: {fontSize: 14, fontWeight: 600, color: INK}} : {show: false},
      toolbox: {show: !empty, right: 4, top: 0, itemSize: 14, feature: {saveAsImage: save}},
      aria: d.title ? {enabled: true, label: {description: d.title}} : {enabled: true},
    }, option, {
      // Tooltips drawn on the canvas: HTML tooltips carry inline style attributes, which the CSP refuses.
      tooltip: Object.assign({renderMode: "richText", confine: true}, option.tooltip || {show: false}),
    });
    return media ? {baseOption: base, media: media} : base;
  }

  function render(el) {
    const source = document.getElementById(el.getAttribute("data-source") || "");
    if (!source) { return; }
    el.setAttribute("data-rendered", "");
    const d = JSON.parse(source.textContent);
    el.style.height = (parseInt(el.getAttribute("data-height"), 10) || 320) + "px";
    if (d.title) { el.setAttribute("aria-label", d.title); el.setAttribute("role", "img"); }
    const chart = echarts.init(el);
    live.set(el, chart);
    chart.setOption(optionFor(el, d) || {});
    chart.on("click", (p) => {
      const href = p.data && p.data.href;
      if (href) { window.location.href = href; }
    });
  }

  function scan() {
    live.forEach((chart, el) => {
      if (!el.isConnected) { chart.dispose(); live.delete(el); }
    });
    document.querySelectorAll(".chart[data-chart]:not([data-rendered])").forEach((el) => {
      try { render(el); } catch (e) { console.error(e); }
    });
  }

  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => live.forEach((chart) => chart.resize()));
  });
  document.addEventListener("htmx:afterSettle", scan);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", scan); } else { scan(); }
})();
