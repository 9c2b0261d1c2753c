extension HTMLReport {
    /// The page's only styling, inline: readable on screen, A4 with repeated table headers,
    /// unbroken findings and page numbers on paper. No fonts, images or anything else is fetched.
    /// Identifiers (`.id`) never break: `iso27001:2022/A.8.34` split over two lines reads as two
    /// items, so the title column wraps instead.
    static let style = """
        :root { color-scheme: light; }
        body { margin: 0; background: #fff; color: #1a1a1a;
          font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 62rem; margin: 0 auto; padding: 2rem 1.5rem; }
        h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.2rem; color: #1f3a5f; border-bottom: 2px solid #1f3a5f; padding-bottom: .2rem; margin: 2rem 0 .75rem; }
        h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
        .subtitle { color: #555; margin: 0 0 1rem; }
        .alert { border: 2px solid #b00020; background: #fdecee; color: #5f0010; padding: .75rem 1rem; border-radius: 4px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
        dl.facts dt { font-weight: 600; color: #333; }
        dl.facts dd { margin: 0; }
        dd ul { margin: 0; padding-left: 1.2rem; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92em; }
        table.counts { width: auto; min-width: 18rem; }
        th, td { border: 1px solid #c8ccd2; padding: .3rem .45rem; text-align: left; vertical-align: top; }
        th { background: #eef1f5; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        td, dd { white-space: pre-wrap; overflow-wrap: anywhere; }
        .id { white-space: nowrap; overflow-wrap: normal; }
        tr.total td { font-weight: 600; }
        .digest { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em; }
        .r-conform { color: #1b5e20; }
        .r-nonconform { color: #b00020; font-weight: 600; }
        .r-na { color: #555; }
        .r-none { color: #888; }
        .conflict { color: #b00020; font-weight: 600; white-space: nowrap; }
        .in-conflict { background: #fdecee; }
        article.finding { border: 1px solid #c8ccd2; border-left: 4px solid #1f3a5f; border-radius: 4px;
          padding: .25rem 1rem .5rem; margin: 1rem 0; }
        article.g-major { border-left-color: #b00020; }
        article.g-minor { border-left-color: #e65100; }
        article.g-observation { border-left-color: #1565c0; }
        article.g-improvement { border-left-color: #2e7d32; }
        footer { margin-top: 2rem; padding-top: .5rem; border-top: 1px solid #ddd; color: #666; font-size: .85em; }
        @media print {
          @page { size: A4; margin: 18mm 15mm;
            @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #666; } }
          body { font-size: 10pt; }
          main { max-width: none; padding: 0; }
          h2, h3 { break-after: avoid; }
          article.finding, tr { break-inside: avoid; }
          thead { display: table-header-group; }
          .alert, .in-conflict, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}
