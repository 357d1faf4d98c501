"""Cascading address pickers: provinsi -> kabupaten/kota -> kecamatan -> desa/kelurahan.

Backed by `station.domain.regions` (Kemendagri codes, shipped with the package, works offline).
Choosing a level refills the levels below it and clears their choice; the station's own regency
(Kabupaten Blitar by default) is preselected so a counter operator only picks kecamatan and desa.
Each combo accepts type-ahead: typing "WONO" on the kecamatan picker jumps to WONOTIRTO.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from station.domain import regions


class RegionPicker(QWidget):
    """Four combos; `village_code()` is the chosen desa/kelurahan code or None."""

    changed = Signal()

    def __init__(self, default_code: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.province = QComboBox(objectName="province")
        self.regency = QComboBox(objectName="regency")
        self.district = QComboBox(objectName="district")
        self.village = QComboBox(objectName="village")
        self.combos = (self.province, self.regency, self.district, self.village)
        placeholders = (
            self.tr("— pilih provinsi —"),
            self.tr("— pilih kabupaten/kota —"),
            self.tr("— pilih kecamatan —"),
            self.tr("— pilih desa/kelurahan —"),
        )
        self._placeholders = dict(zip(self.combos, placeholders, strict=True))
        labels = (
            self.tr("Pro&vinsi"),
            self.tr("Ka&bupaten/kota"),
            self.tr("K&ecamatan"),
            self.tr("&Desa/kelurahan"),
        )
        self.labels: list[QLabel] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        for i, (combo, text) in enumerate(zip(self.combos, labels, strict=True)):
            label = QLabel(text)
            label.setBuddy(combo)
            self.labels.append(label)
            combo.setMaxVisibleItems(20)
            combo.setMinimumContentsLength(14)
            grid.addWidget(label, (i // 2) * 2, i % 2)
            grid.addWidget(combo, (i // 2) * 2 + 1, i % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self._fill(self.province, regions.provinces())
        self.province.currentIndexChanged.connect(lambda _i: self._cascade(0))
        self.regency.currentIndexChanged.connect(lambda _i: self._cascade(1))
        self.district.currentIndexChanged.connect(lambda _i: self._cascade(2))
        self.village.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.select(default_code)

    # --- public ------------------------------------------------------------------------------

    def code_at(self, level: int) -> str | None:
        data = self.combos[level].currentData()
        return str(data) if data else None

    def village_code(self) -> str | None:
        return self.code_at(3)

    def select(self, code: str | None) -> None:
        """Select a region and its ancestors (any level); levels below it are left to choose."""
        if not code:
            self.province.setCurrentIndex(0)
            return
        for level, region in enumerate(regions.lineage(code)):
            combo = self.combos[level]
            index = combo.findData(region.code)
            if index < 0:
                break
            combo.setCurrentIndex(index)

    def clear_below_regency(self) -> None:
        self.district.setCurrentIndex(0)

    # --- internals ---------------------------------------------------------------------------

    def _fill(self, combo: QComboBox, items: list[regions.Region]) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self._placeholders[combo], None)
        for region in items:
            combo.addItem(region.name, region.code)
        combo.setCurrentIndex(0)
        combo.setEnabled(bool(items))
        combo.blockSignals(False)

    def _cascade(self, level: int) -> None:
        code = self.code_at(level)
        for below in self.combos[level + 1 :]:
            self._fill(below, [])
        if code:
            self._fill(self.combos[level + 1], regions.children(code))
        self.changed.emit()
