import Foundation

/// A horizontal bar chart drawn on the server as SVG, with no script, followed by the same figures as
/// a table (for screen readers, and for anyone who would rather read). Bars run left to right, one
/// row per category, so long names stay readable at 390 px. Every bar carries its figure
/// (`data-value`) and the table the same figure, so a test holds the two together.
struct BarChart {
    struct Series {
        var name: String
        var values: [Int]
    }

    /// Unique on the page: the chart's ids are built from it.
    var id: String
    var title: String
    /// What the figures count, for the table's header and each bar's tooltip ("contacts", "minutes").
    var unit: String
    var categoryHeading: String
    var categories: [String]
    var series: [Series]
    /// Segments of one bar (contact by channel) rather than bars side by side (median and worst).
    var stacked: Bool
    /// Categories drawn on a hatched band, with what the band means (out of office hours).
    var shaded: Set<Int> = []
    var shadedMeaning: String?
    /// A line across the chart at this value, with its name (the organisation's target).
    var target: (value: Int, label: String)?

    private static let labelWidth = 150
    private static let plotWidth = 460
    private static let rowHeight = 22

    func write(_ h: inout HTML) {
        let rows = categories.count
        let per = stacked ? 1 : max(1, series.count)
        let barHeight = (Self.rowHeight - 6) / per
        let totals = categories.indices.map { i in
            stacked ? series.reduce(0) { $0 + $1.values[i] } : series.map { $0.values[i] }.max() ?? 0
        }
        let top = max(1, max(totals.max() ?? 0, target?.value ?? 0))
        let width = Self.labelWidth + Self.plotWidth + 50
        // The legend, across the top, wrapping onto more lines when it is wider than the chart.
        var keys = series.enumerated().map { ("chart-bar chart-bar-\($0.offset % 6)", $0.element.name) }
        if let meaning = shadedMeaning, !shaded.isEmpty { keys.append(("chart-shade-key", meaning)) }
        if let target { keys.append(("chart-target-key", target.label)) }
        var legend: [(cls: String, name: String, x: Int, y: Int)] = []
        var legendX = 0, legendY = 4
        for (cls, name) in keys {
            let size = 30 + name.count * 8
            if legendX > 0 && legendX + size > width {
                legendX = 0
                legendY += 20
            }
            legend.append((cls, name, legendX, legendY))
            legendX += size
        }
        let legendHeight = legendY + 22
        let height = rows * Self.rowHeight + legendHeight + 4
        func x(_ v: Int) -> Int { Self.labelWidth + v * Self.plotWidth / top }

        h.raw("<figure class=\"chart\" id=\"")
        h.text(id)
        h.raw("\">\n<h3 class=\"heading-s\" id=\"")
        h.text(id)
        h.raw("-title\">")
        h.text(title)
        h.raw("</h3>\n<svg class=\"chart-svg\" viewBox=\"0 0 ")
        h.text(width)
        h.raw(" ")
        h.text(height)
        h.raw("\" role=\"img\" aria-labelledby=\"")
        h.text(id)
        h.raw("-title ")
        h.text(id)
        h.raw("-desc\">\n<desc id=\"")
        h.text(id)
        h.raw("-desc\">A bar chart. Its figures are in the table that follows.</desc>\n")
        h.raw(
            "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" class=\"chart-hatch\"/></pattern></defs>\n"
        )
        for (i, label) in categories.enumerated() {
            let y = legendHeight + i * Self.rowHeight
            if shaded.contains(i) {
                h.raw("<rect class=\"chart-shade\" fill=\"url(#hatch)\" x=\"")
                h.text(Self.labelWidth)
                h.raw("\" y=\"")
                h.text(y)
                h.raw("\" width=\"")
                h.text(Self.plotWidth)
                h.raw("\" height=\"")
                h.text(Self.rowHeight)
                h.raw("\"/>\n")
            }
            h.raw("<text class=\"chart-label\" x=\"")
            h.text(Self.labelWidth - 6)
            h.raw("\" y=\"")
            h.text(y + Self.rowHeight - 7)
            h.raw("\" text-anchor=\"end\">")
            h.text(label.count > 20 ? String(label.prefix(19)) + "…" : label)
            h.raw("</text>\n")
            var offset = 0
            for (s, one) in series.enumerated() {
                let v = one.values[i]
                let left = stacked ? x(offset) : x(0)
                let barY = y + 3 + (stacked ? 0 : s * barHeight)
                h.raw("<rect class=\"chart-bar chart-bar-")
                h.text(s % 6)
                h.raw("\" x=\"")
                h.text(left)
                h.raw("\" y=\"")
                h.text(barY)
                h.raw("\" width=\"")
                h.text(x(stacked ? offset + v : v) - left)
                h.raw("\" height=\"")
                h.text(stacked ? Self.rowHeight - 6 : barHeight)
                h.raw("\" data-category=\"")
                h.text(label)
                h.raw("\" data-series=\"")
                h.text(one.name)
                h.raw("\" data-value=\"")
                h.text(v)
                h.raw("\"><title>")
                h.text("\(label), \(one.name): \(v) \(unit)")
                h.raw("</title></rect>\n")
                offset += v
            }
            h.raw("<text class=\"chart-value\" x=\"")
            h.text(x(totals[i]) + 4)
            h.raw("\" y=\"")
            h.text(y + Self.rowHeight - 7)
            h.raw("\">")
            h.text(totals[i])
            h.raw("</text>\n")
        }
        if let target {
            h.raw("<line class=\"chart-target\" x1=\"")
            h.text(x(target.value))
            h.raw("\" x2=\"")
            h.text(x(target.value))
            h.raw("\" y1=\"")
            h.text(legendHeight)
            h.raw("\" y2=\"")
            h.text(legendHeight + rows * Self.rowHeight)
            h.raw("\"/>\n")
        }
        for key in legend {
            h.raw("<rect class=\"")
            h.text(key.cls)
            h.raw("\"")
            if key.cls == "chart-shade-key" { h.raw(" fill=\"url(#hatch)\"") }
            h.raw(" x=\"")
            h.text(key.x)
            h.raw("\" y=\"")
            h.text(key.y)
            h.raw("\" width=\"14\" height=\"14\"/><text class=\"chart-label\" x=\"")
            h.text(key.x + 18)
            h.raw("\" y=\"")
            h.text(key.y + 12)
            h.raw("\">")
            h.text(key.name)
            h.raw("</text>\n")
        }
        h.raw("</svg>\n<details class=\"details\"><summary>The figures as a table</summary>\n")
        h.raw("<table class=\"table chart-table\" data-chart=\"")
        h.text(id)
        h.raw("\">\n<caption class=\"visually-hidden\">")
        h.text(title)
        h.raw("</caption>\n<thead><tr><th scope=\"col\">")
        h.text(categoryHeading)
        h.raw("</th>")
        for s in series {
            h.raw("<th scope=\"col\">")
            h.text(s.name)
            h.raw(" (")
            h.text(unit)
            h.raw(")</th>")
        }
        if let meaning = shadedMeaning, !shaded.isEmpty {
            h.raw("<th scope=\"col\">")
            h.text(meaning)
            h.raw("</th>")
        }
        h.raw("</tr></thead>\n<tbody>\n")
        for (i, label) in categories.enumerated() {
            h.raw("<tr><th scope=\"row\">")
            h.text(label)
            h.raw("</th>")
            for s in series {
                h.raw("<td data-category=\"")
                h.text(label)
                h.raw("\" data-series=\"")
                h.text(s.name)
                h.raw("\">")
                h.text(s.values[i])
                h.raw("</td>")
            }
            if shadedMeaning != nil, !shaded.isEmpty { h.raw(shaded.contains(i) ? "<td>Yes</td>" : "<td>No</td>") }
            h.raw("</tr>\n")
        }
        h.raw("</tbody>\n</table>\n</details>\n</figure>\n")
    }
}
