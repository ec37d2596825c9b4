"""A few touches on top of the platform's own style (never replacing it): a larger search
box, a quiet sidebar, the photo banner and the drop overlay. Colours derive from the palette
where they can, so dark themes stay readable."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

STYLE = """
#searchBox {{ font-size: {search_pt}pt; padding: 7px 10px; border-radius: 6px; }}
#sidebar {{ background: {sidebar}; }}
#sidebar QListWidget {{ background: transparent; }}
#sidebarHeading {{ font-weight: 600; padding: 4px 12px; color: {muted}; text-transform: uppercase; }}
#skippedButton {{ text-align: left; padding: 4px 12px; color: #b45309; border: none; }}
#skippedButton:hover {{ text-decoration: underline; }}
#clipBanner {{ background: #fff7e6; border: 1px solid #f5c26b; border-radius: 6px; margin: 6px 4px; }}
#clipBanner QLabel {{ color: #5c3d00; }}
#previewTitle {{ font-size: {title_pt}pt; font-weight: 600; }}
#previewDetails, #resultsSummary, #folderFilter {{ color: {muted}; }}
#previewEmpty {{ color: {muted}; font-size: {title_pt}pt; }}
#dropOverlay {{ background: rgba(37, 99, 235, 40); border: 3px dashed #2563eb; border-radius: 14px;
               color: #1e40af; font-size: 18pt; font-weight: 600; }}
"""


def apply_style(app: QApplication) -> None:
    palette = app.palette()
    base = palette.color(QPalette.ColorRole.Window)
    sidebar = base.darker(104) if base.lightness() > 128 else base.lighter(115)
    muted = palette.color(QPalette.ColorRole.WindowText)
    muted.setAlphaF(0.6)
    point = app.font().pointSizeF() if app.font().pointSizeF() > 0 else 10.0
    app.setStyleSheet(STYLE.format(
        search_pt=round(point * 1.3, 1), title_pt=round(point * 1.25, 1), sidebar=sidebar.name(),
        muted=f"rgba({muted.red()}, {muted.green()}, {muted.blue()}, 150)",
    ))
