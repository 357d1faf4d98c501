"""Daftar rekaman: the station's records for review, and the supervisor's approve / reject.

The list comes from `station.records.list(...)` (no decryption: status, time, operator, kecamatan,
domicile flag, finger count) with filters and paging. Opening a record (Enter, double-click or
"Buka") decrypts it on the worker (`records.open`, role-checked and audited) and shows the
demographics, the portrait, fingerprint thumbnails with their quality, finger exceptions with who
confirmed them, and the signature. Supervisors approve one or many selected CAPTURED records or
reject one with a required reason; operators see the list but the buttons stay disabled, saying
why. Every store call runs on the window's worker; the store checks the role again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.domain import FingerPosition, Permission, RecordStatus, Role, can, regions
from ui.style import set_role
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE_SIZE = 50
MAX_REASON = 500  # the store's limit (records.MAX_REASON), checked again there
THUMB = 96  # fingerprint thumbnail height in pixels
THUMB_W = 68

S = RecordStatus


def status_text(status: RecordStatus | str) -> str:
    """The Indonesian / English name of a record status for people (not the code)."""
    return {
        S.DRAFT: QCoreApplication.translate("RecordStatus", "Draf"),
        S.CAPTURED: QCoreApplication.translate("RecordStatus", "Menunggu persetujuan"),
        S.APPROVED: QCoreApplication.translate("RecordStatus", "Disetujui"),
        S.REJECTED: QCoreApplication.translate("RecordStatus", "Ditolak"),
        S.SEALED: QCoreApplication.translate("RecordStatus", "Tersegel"),
        S.SYNCED: QCoreApplication.translate("RecordStatus", "Terkirim"),
        S.EXPORTED: QCoreApplication.translate("RecordStatus", "Diekspor"),
        S.ACKNOWLEDGED: QCoreApplication.translate("RecordStatus", "Diterima server"),
        S.PURGED: QCoreApplication.translate("RecordStatus", "Dihapus"),
    }.get(RecordStatus(status), str(status))


def district_name(code: str | None) -> str:
    if not code:
        return "—"
    try:
        return regions.get(code).name
    except (regions.UnknownRegion, KeyError, ValueError):
        return code


def local(dt: datetime) -> datetime:
    return dt.astimezone()


@dataclass(frozen=True)
class Filters:
    status: RecordStatus | None = None
    day: date | None = None
    district_code: str | None = None
    operator: str | None = None

    def query(self) -> dict[str, Any]:
        q: dict[str, Any] = {}
        if self.status is not None:
            q["status"] = self.status
        if self.day is not None:
            q["since"] = self.day
            q["until"] = self.day + timedelta(days=1)
        if self.district_code:
            q["district_code"] = self.district_code
        if self.operator:
            q["operator"] = self.operator
        return q


@dataclass
class OpenedRecord:
    """A decrypted record and its images, prepared on the worker."""

    enrollment: Any  # station.domain.Enrollment
    portrait: QImage | None = None
    signature: QImage | None = None
    fingers: dict[int, QImage | None] = field(default_factory=dict)
    # Images that could not be shown: "portrait", "signature" or "finger:N".
    notes: list[str] = field(default_factory=list)


def _image(data: bytes | None) -> QImage | None:
    if not data:
        return None
    image = QImage.fromData(data)
    return None if image.isNull() else image


def _finger_image(data: bytes, fmt: str) -> QImage | None:
    if fmt != "wsq":
        return _image(data)
    import cv2

    from station.biometrics.formats import wsq

    # Bytes this station wrote and authenticated (AEAD) itself: decoded in-process.
    gray = wsq.decode(data, isolated=False)
    h, w = gray.shape
    scale = THUMB / h
    small = cv2.resize(gray, (max(1, int(w * scale)), THUMB), interpolation=cv2.INTER_AREA)
    small = small.copy(order="C")
    image = QImage(small.data, small.shape[1], small.shape[0], small.strides[0],
                   QImage.Format.Format_Grayscale8)
    return image.copy()  # own the pixels: the numpy buffer goes away


def open_record(records: Any, record_id: str) -> OpenedRecord:
    """Runs on the worker: decrypt (role-checked, audited) and decode the images."""
    e = records.open(record_id)
    opened = OpenedRecord(enrollment=e)
    portrait = e.portrait or e.face
    opened.portrait = _image(portrait.data) if portrait is not None else None
    if portrait is not None and opened.portrait is None:
        opened.notes.append("portrait")
    if e.signature_image is not None:
        opened.signature = _image(e.signature_image.data)
        if opened.signature is None:
            opened.notes.append("signature")
    for pos, capture in e.fingers.items():
        try:
            opened.fingers[int(pos)] = _finger_image(capture.data, capture.format)
        except Exception as exc:  # a damaged image must not hide the rest of the record
            log.warning("finger %s of %s not shown: %s", int(pos), record_id, type(exc).__name__)
            opened.fingers[int(pos)] = None
        if opened.fingers[int(pos)] is None:
            opened.notes.append(f"finger:{int(pos)}")
    return opened


class RejectDialog(QDialog):
    """Asks for the required reason of a rejection."""

    def __init__(self, count_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reject_dialog")
        self.setWindowTitle(self.tr("Tolak rekaman"))
        self.setModal(True)
        self.resize(520, 260)
        col = QVBoxLayout(self)
        label = QLabel(count_text)
        label.setWordWrap(True)
        col.addWidget(label)
        self.reason = QPlainTextEdit(objectName="reject_reason")
        self.reason.setPlaceholderText(
            self.tr("Contoh: foto buram, ulangi pengambilan foto wajah"))
        col.addWidget(self.reason, 1)
        self.hint = QLabel(self.tr("Alasan wajib diisi (maksimal %1 karakter); operator akan "
                                   "melihatnya.").replace("%1", str(MAX_REASON)))
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        col.addWidget(self.hint)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(self.tr("Tolak"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("reject_ok")
        self.buttons.addButton(self.tr("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        col.addWidget(self.buttons)
        self.reason.textChanged.connect(self._check)
        self._check()

    def text(self) -> str:
        return " ".join(self.reason.toPlainText().split())

    def _check(self) -> None:
        n = len(self.text())
        self.ok.setEnabled(0 < n <= MAX_REASON)
        if n > MAX_REASON:
            self.hint.setText(self.tr("Alasan terlalu panjang: %1 dari maksimal %2 karakter.")
                              .replace("%1", str(n)).replace("%2", str(MAX_REASON)))
            set_role(self.hint, "field-error")


class RecordsPage(QWidget):
    """"Daftar rekaman" — list, filters, paging, detail, approve / reject."""

    records_changed = Signal()  # after an approval or rejection
    loaded = Signal()  # a page of the list arrived
    opened = Signal(str)  # a record's detail is on screen (record id)

    def __init__(
        self,
        station: Any,
        tasks: TaskRunner,
        describe: Callable[[BaseException], tuple[str, str]],
        *,
        region_code: str,
        locale: str = "id",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("records_page")
        self.station = station
        self.tasks = tasks
        self.describe = describe
        self.region_code = region_code
        self.locale = locale
        self.role: Role | None = None
        self.page = 0
        self.has_next = False
        self.rows: list[Any] = []  # RecordSummary of the page shown
        self.shown: OpenedRecord | None = None
        self.reject_dialog: RejectDialog | None = None
        self._build()

    # --- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 12)
        outer.setSpacing(10)
        title = QLabel(self.tr("Daftar rekaman"))
        title.setProperty("role", "title")
        outer.addWidget(title)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.status_filter = QComboBox(objectName="status_filter")
        self.status_filter.addItem(self.tr("Semua status"), None)
        for s in (S.CAPTURED, S.APPROVED, S.REJECTED, S.SEALED, S.SYNCED, S.EXPORTED,
                  S.ACKNOWLEDGED, S.PURGED):
            self.status_filter.addItem(status_text(s), s.value)
        self.status_filter.setCurrentIndex(1)  # the supervisor's queue first
        self.date_check = QCheckBox(self.tr("Tanggal"), objectName="date_check")
        self.date_filter = QDateEdit(objectName="date_filter")
        self.date_filter.setCalendarPopup(True)
        self.date_filter.setDisplayFormat("dd-MM-yyyy")
        self.date_filter.setDate(QDate.currentDate())
        self.date_filter.setEnabled(False)
        self.district_filter = QComboBox(objectName="district_filter")
        self.district_filter.addItem(self.tr("Semua kecamatan"), None)
        try:
            for d in regions.children(self.region_code[:5]):
                self.district_filter.addItem(d.name, d.code)
        except (regions.UnknownRegion, KeyError, ValueError):
            log.warning("no kecamatan list for region %s", self.region_code)
        self.operator_filter = QLineEdit(objectName="operator_filter")
        self.operator_filter.setPlaceholderText(self.tr("Operator (nama pengguna)"))
        self.operator_filter.setClearButtonEnabled(True)
        self.operator_filter.setMaximumWidth(220)
        self.refresh_button = QPushButton(self.tr("Muat ulang (F5)"), objectName="refresh_button")
        for w in (self.status_filter, self.date_check, self.date_filter, self.district_filter,
                  self.operator_filter):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)
        outer.addLayout(filters)

        self.message = QLabel(objectName="records_message")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 7, objectName="records_table")
        self.table.setHorizontalHeaderLabels([
            self.tr("Waktu"), self.tr("Status"), self.tr("Kecamatan"), self.tr("Sidik jari"),
            self.tr("Operator"), self.tr("Domisili"), self.tr("Supervisor"),
        ])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(60)
        lcol.addWidget(self.table, 1)

        paging = QHBoxLayout()
        self.prev_button = QPushButton(self.tr("‹ Sebelumnya"), objectName="prev_button")
        self.next_button = QPushButton(self.tr("Berikutnya ›"), objectName="next_button")
        self.page_label = QLabel(objectName="page_label")
        self.page_label.setProperty("role", "hint")
        paging.addWidget(self.prev_button)
        paging.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
        paging.addWidget(self.next_button)
        lcol.addLayout(paging)

        actions = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Buka (Enter)"), objectName="open_button")
        self.approve_button = QPushButton(self.tr("Setujui"), objectName="approve_button")
        self.approve_button.setProperty("role", "primary")
        self.reject_button = QPushButton(self.tr("Tolak…"), objectName="reject_button")
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        actions.addWidget(self.reject_button)
        actions.addWidget(self.approve_button)
        lcol.addLayout(actions)
        self.role_hint = QLabel(objectName="role_hint")
        self.role_hint.setProperty("role", "hint")
        self.role_hint.setWordWrap(True)
        lcol.addWidget(self.role_hint)
        split.addWidget(left)

        self.detail_scroll = QScrollArea(objectName="detail_scroll")
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_scroll.setMinimumWidth(440)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        split.addWidget(self.detail_scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 600])
        outer.addWidget(split, 1)
        self._show_placeholder()

        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.district_filter.currentIndexChanged.connect(self._filters_changed)
        self.date_check.toggled.connect(self.date_filter.setEnabled)
        self.date_check.toggled.connect(self._filters_changed)
        self.date_filter.dateChanged.connect(self._filters_changed)
        self.operator_filter.returnPressed.connect(self._filters_changed)
        self.operator_filter.editingFinished.connect(self._operator_edited)
        self.refresh_button.clicked.connect(self.refresh)
        self.prev_button.clicked.connect(lambda: self.go_to_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.page + 1))
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        self.open_button.clicked.connect(self.open_selected)
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        refresh = QShortcut(QKeySequence("F5"), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)
        self._last_operator = ""
        self._update_actions()

    # --- session -----------------------------------------------------------------------------

    def set_role(self, role: Role | str | None) -> None:
        self.role = Role(role) if role else None
        self._update_actions()

    def clear(self) -> None:
        """Sign-out: nothing of the last operator's view stays on screen."""
        self.rows = []
        self.table.setRowCount(0)
        self.page = 0
        self.has_next = False
        self._show_placeholder()
        self._set_message("")
        if self.reject_dialog is not None:
            self.reject_dialog.reject()
        self._update_actions()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        """Locking (or leaving the page) cancels an open rejection: nothing decided unseen."""
        super().hideEvent(event)
        if self.reject_dialog is not None:
            self.reject_dialog.reject()

    @property
    def can_approve(self) -> bool:
        return self.role is not None and can(self.role, Permission.APPROVE)

    # --- list --------------------------------------------------------------------------------

    def filters(self) -> Filters:
        status = self.status_filter.currentData()
        day = self.date_filter.date().toPython() if self.date_check.isChecked() else None
        operator = self.operator_filter.text().strip().lower() or None
        return Filters(
            status=RecordStatus(status) if status else None,
            day=day,  # type: ignore[arg-type]
            district_code=self.district_filter.currentData(),
            operator=operator,
        )

    def _operator_edited(self) -> None:
        if self.operator_filter.text().strip() != self._last_operator:
            self._filters_changed()

    def _filters_changed(self) -> None:
        self._last_operator = self.operator_filter.text().strip()
        self.page = 0
        self.refresh()

    def go_to_page(self, page: int) -> None:
        if page < 0 or (page > self.page and not self.has_next):
            return
        self.page = page
        self.refresh()

    def refresh(self) -> None:
        if self.role is None:
            return
        records = self.station.records
        query = self.filters().query()
        offset = self.page * PAGE_SIZE
        self.tasks.submit(
            lambda: records.list(limit=PAGE_SIZE + 1, offset=offset, **query),
            self._listed, self._failed,
        )

    def _listed(self, rows: Sequence[Any]) -> None:
        if self.role is None:  # signed out meanwhile
            return
        selected = set(self.selected_ids())
        self.has_next = len(rows) > PAGE_SIZE
        self.rows = list(rows[:PAGE_SIZE])
        t = self.table
        t.setSortingEnabled(False)
        t.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            fingers = str(r.finger_count)
            if r.exception_count:
                fingers += self.tr(" + %1 pengecualian").replace("%1", str(r.exception_count))
            cells = [
                local(r.created_at).strftime("%d-%m-%Y %H:%M"),
                status_text(r.status),
                district_name(r.district_code),
                fingers,
                r.operator,
                self.tr("Ya") if r.domicile else "",
                r.supervisor or "",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 0:
                    item.setData(Qt.ItemDataRole.UserRole, r.record_id)
                if j == 1 and r.status is S.REJECTED and r.rejection_reason:
                    item.setToolTip(r.rejection_reason)
                t.setItem(i, j, item)
        t.clearSelection()
        mode = t.selectionMode()
        t.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for i, r in enumerate(self.rows):
            if r.record_id in selected:
                t.selectRow(i)
        t.setSelectionMode(mode)
        first = self.page * PAGE_SIZE + 1
        if self.rows:
            self.page_label.setText(self.tr("Halaman %1 · rekaman %2–%3").replace(
                "%1", str(self.page + 1)).replace("%2", str(first)).replace(
                "%3", str(first + len(self.rows) - 1)))
        else:
            self.page_label.setText(self.tr("Tidak ada rekaman yang cocok dengan saringan."))
        self._update_actions()
        self.loaded.emit()

    def selected_ids(self) -> list[str]:
        ids = []
        for index in sorted({i.row() for i in self.table.selectedIndexes()}):
            item = self.table.item(index, 0)
            if item is not None:
                ids.append(item.data(Qt.ItemDataRole.UserRole))
        return ids

    def _selected_rows(self) -> list[Any]:
        wanted = set(self.selected_ids())
        return [r for r in self.rows if r.record_id in wanted]

    def _update_actions(self) -> None:
        rows = self._selected_rows()
        pending = [r for r in rows if r.status is S.CAPTURED]
        signed_in = self.role is not None
        self.prev_button.setEnabled(signed_in and self.page > 0)
        self.next_button.setEnabled(signed_in and self.has_next)
        self.open_button.setEnabled(signed_in and len(rows) == 1)
        if not self.can_approve:
            self.approve_button.setText(self.tr("Setujui"))
            self.approve_button.setEnabled(False)
            self.reject_button.setEnabled(False)
            why = self.tr("Hanya supervisor yang dapat menyetujui atau menolak rekaman.")
            self.approve_button.setToolTip(why)
            self.reject_button.setToolTip(why)
            self.role_hint.setText(why if signed_in else "")
            return
        self.approve_button.setToolTip("")
        self.reject_button.setToolTip("")
        self.approve_button.setText(self.tr("Setujui (%1)").replace("%1", str(len(pending)))
                                    if len(pending) > 1 else self.tr("Setujui"))
        self.approve_button.setEnabled(bool(pending) and len(pending) == len(rows))
        self.reject_button.setEnabled(len(rows) == 1 and len(pending) == 1)
        if rows and len(pending) != len(rows):
            self.role_hint.setText(self.tr("Hanya rekaman berstatus \"Menunggu persetujuan\" "
                                           "yang dapat disetujui atau ditolak."))
        elif len(rows) > 1:
            self.role_hint.setText(self.tr("Penolakan satu per satu, masing-masing dengan "
                                           "alasannya."))
        else:
            self.role_hint.setText(self.tr("Pilih beberapa baris (Ctrl/Shift+klik) untuk "
                                           "menyetujui sekaligus."))

    # --- approve / reject --------------------------------------------------------------------

    def approve_selected(self) -> None:
        ids = [r.record_id for r in self._selected_rows() if r.status is S.CAPTURED]
        if not ids or not self.can_approve:
            return
        records = self.station.records
        self.tasks.submit(lambda: records.approve(ids), lambda _r: self._approved(len(ids)),
                          self._failed)

    def _approved(self, n: int) -> None:
        self._set_message(self.tr("%1 rekaman disetujui.").replace("%1", str(n)), "ok")
        self._after_change()

    def reject_selected(self) -> None:
        rows = self._selected_rows()
        if len(rows) != 1 or rows[0].status is not S.CAPTURED or not self.can_approve:
            return
        record_id = rows[0].record_id
        dialog = RejectDialog(
            self.tr("Tolak rekaman %1 (operator %2, %3)? Rekaman kembali ke operator untuk "
                    "diperbaiki.").replace("%1", record_id[:8]).replace("%2", rows[0].operator)
            .replace("%3", local(rows[0].created_at).strftime("%d-%m-%Y %H:%M")),
            self,
        )
        self.reject_dialog = dialog
        dialog.accepted.connect(lambda: self._reject(record_id, dialog.text()))
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()
        dialog.reason.setFocus()

    def _dialog_closed(self, dialog: RejectDialog) -> None:
        if self.reject_dialog is dialog:
            self.reject_dialog = None
        dialog.deleteLater()

    def _reject(self, record_id: str, reason: str) -> None:
        records = self.station.records
        self.tasks.submit(lambda: records.reject(record_id, reason),
                          lambda _r: self._rejected(), self._failed)

    def _rejected(self) -> None:
        self._set_message(self.tr("Rekaman ditolak; operator melihat alasannya."), "ok")
        self._after_change()

    def _after_change(self) -> None:
        if self.shown is not None and self.shown.enrollment.record_id in self.selected_ids():
            self._show_placeholder()
        self.refresh()
        self.records_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        text, severity = self.describe(exc)
        self._set_message(text, severity)

    def _set_message(self, text: str, role: str = "error") -> None:
        self.message.setText(text)
        set_role(self.message, role)
        self.message.setVisible(bool(text))

    # --- detail ------------------------------------------------------------------------------

    def open_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1 or self.role is None:
            return
        records = self.station.records
        record_id = ids[0]
        self.tasks.submit(lambda: open_record(records, record_id), self._show_detail,
                          self._failed)

    def _show_placeholder(self) -> None:
        self.shown = None
        hint = QLabel(self.tr("Pilih rekaman lalu tekan Enter (atau klik dua kali) untuk "
                              "melihat isinya."), objectName="detail_placeholder")
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_scroll.setWidget(hint)

    def _show_detail(self, opened: OpenedRecord) -> None:
        if self.role is None:
            return
        self.shown = opened
        self.detail_scroll.setWidget(RecordDetail(opened, self.locale))
        self._set_message("")
        self.opened.emit(opened.enrollment.record_id)


class RecordDetail(QWidget):
    """One opened record: demographics, portrait, fingers, exceptions, signature."""

    def __init__(self, opened: OpenedRecord, locale: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("record_detail")
        e = opened.enrollment
        col = QVBoxLayout(self)
        col.setContentsMargins(8, 0, 8, 8)
        col.setSpacing(10)

        card = QFrame()
        card.setProperty("role", "card")
        body = QVBoxLayout(card)
        body.setContentsMargins(16, 12, 16, 12)
        body.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(14)
        portrait = QLabel(objectName="detail_portrait")
        portrait.setFixedSize(96, 128)
        portrait.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if opened.portrait is not None:
            portrait.setPixmap(QPixmap.fromImage(opened.portrait).scaled(
                96, 128, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            portrait.setText(self.tr("(tanpa foto)"))
        top.addWidget(portrait, 0, Qt.AlignmentFlag.AlignTop)
        who = QVBoxLayout()
        who.setSpacing(4)
        a = e.applicant
        if a is not None:
            name = QLabel(a.full_name, objectName="detail_name")
            name.setProperty("role", "subtitle")
            name.setWordWrap(True)
            name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            who.addWidget(name)
            nik = QLabel(a.nik, objectName="detail_nik")
            nik.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            nik.setStyleSheet("font-size: 13pt; letter-spacing: 1px;")
            who.addWidget(nik)
        status = QLabel(status_text(e.status), objectName="detail_status")
        status.setProperty("role", {S.CAPTURED: "warn", S.REJECTED: "error",
                                    S.APPROVED: "ok"}.get(e.status, "neutral"))
        who.addWidget(status, 0, Qt.AlignmentFlag.AlignLeft)
        who.addStretch(1)
        top.addLayout(who, 1)
        body.addLayout(top)

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(4)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        if a is not None:
            addr = a.address
            place = ", ".join(filter(None, [
                addr.street, f"RT {addr.rt}/RW {addr.rw}", _safe(lambda: addr.village),
                _safe(lambda: addr.district)]))
            for label, value in [
                (self.tr("Tempat/tgl lahir"),
                 f"{a.place_of_birth}, {a.date_of_birth.strftime('%d-%m-%Y')}"),
                (self.tr("Jenis kelamin"), self.tr("LAKI-LAKI") if a.sex.value == "L"
                 else self.tr("PEREMPUAN")),
                (self.tr("Alamat"), place),
                (self.tr("Agama"), str(a.religion.value)),
                (self.tr("Status perkawinan"), str(a.marital_status.value)),
                (self.tr("Pekerjaan"), a.occupation),
            ]:
                value_label = QLabel(value)
                value_label.setWordWrap(True)
                value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(label, value_label)
        made = QLabel(
            self.tr("%1 oleh %2").replace("%1", local(e.created_at).strftime("%d-%m-%Y %H:%M"))
            .replace("%2", e.operator)
            + (self.tr(" · domisili") if e.domicile_recording else ""))
        made.setWordWrap(True)
        form.addRow(self.tr("Perekaman"), made)
        if e.supervisor:
            form.addRow(self.tr("Supervisor"), QLabel(e.supervisor))
        if e.rejection_reason:
            reason = QLabel(e.rejection_reason, objectName="detail_rejection")
            reason.setWordWrap(True)
            form.addRow(self.tr("Alasan penolakan"), reason)
        body.addLayout(form)
        col.addWidget(card)

        fingers = QFrame(objectName="detail_fingers")
        fingers.setProperty("role", "card")
        grid = QGridLayout(fingers)
        grid.setContentsMargins(10, 10, 10, 10)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(8)
        heading = QLabel(self.tr("Sidik jari"))
        heading.setProperty("role", "section")
        grid.addWidget(heading, 0, 0, 1, 5)
        for i, pos in enumerate(FingerPosition):
            cell = QVBoxLayout()
            image = QLabel()
            image.setFixedSize(THUMB_W, THUMB)
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            capture = e.fingers.get(pos)
            exception = e.finger_exceptions.get(pos)
            thumb = opened.fingers.get(int(pos))
            if thumb is not None:
                image.setPixmap(QPixmap.fromImage(thumb).scaled(
                    THUMB_W, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))
            else:
                image.setText("—")
            image.setObjectName(f"finger_{int(pos)}")
            cell.addWidget(image, 0, Qt.AlignmentFlag.AlignHCenter)
            name = QLabel(_finger_name(pos).replace(" ", "\n", 1))  # two short lines
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name.setStyleSheet("font-size: 9pt;")
            cell.addWidget(name, 0, Qt.AlignmentFlag.AlignHCenter)
            if capture is not None:
                q = "—" if capture.quality is None else f"{capture.quality:.0f}"
                text = self.tr("Mutu %1").replace("%1", q)
                if capture.forced_by:
                    text += "\n" + self.tr("dipaksa oleh %1").replace("%1", capture.forced_by)
            elif exception is not None:
                text = self.tr("Pengecualian:\n%1").replace("%1", self._reason(exception.reason))
            else:
                text = self.tr("tidak ada")
            info = QLabel(text, objectName=f"finger_info_{int(pos)}")
            info.setProperty("role", "hint")
            info.setStyleSheet("font-size: 9pt;")
            info.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.addWidget(info)
            grid.addLayout(cell, 1 + i // 5, i % 5)
        col.addWidget(fingers)

        if e.finger_exceptions:
            box = QFrame(objectName="detail_exceptions")
            box.setProperty("role", "card")
            lines = QVBoxLayout(box)
            lines.setContentsMargins(14, 10, 14, 10)
            heading = QLabel(self.tr("Pengecualian sidik jari"))
            heading.setProperty("role", "section")
            lines.addWidget(heading)
            for pos, ex in sorted(e.finger_exceptions.items()):
                who = ex.confirmed_by or self.tr("belum dikonfirmasi")
                text = self.tr("%1: %2%3 — dikonfirmasi oleh %4").replace(
                    "%1", _finger_name(FingerPosition(pos))).replace(
                    "%2", self._reason(ex.reason)).replace(
                    "%3", f" ({ex.note})" if ex.note else "").replace("%4", who)
                label = QLabel(text)
                label.setWordWrap(True)
                lines.addWidget(label)
            col.addWidget(box)

        sig = QFrame(objectName="detail_signature")
        sig.setProperty("role", "card")
        srow = QVBoxLayout(sig)
        srow.setContentsMargins(14, 10, 14, 10)
        heading = QLabel(self.tr("Tanda tangan"))
        heading.setProperty("role", "section")
        srow.addWidget(heading)
        image = QLabel(objectName="detail_signature_image")
        if opened.signature is not None:
            image.setPixmap(QPixmap.fromImage(opened.signature).scaled(
                360, 120, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            image.setText(self.tr("(tanpa gambar tanda tangan)"))
        srow.addWidget(image)
        col.addWidget(sig)
        if opened.notes:
            note = QLabel(self.tr("Tidak dapat ditampilkan: %1 (data tersimpan utuh; hubungi "
                                  "petugas TI bila berulang).").replace(
                "%1", ", ".join(self._note_text(n) for n in opened.notes)),
                objectName="detail_notes")
            note.setProperty("role", "warn")
            note.setWordWrap(True)
            col.addWidget(note)
        col.addStretch(1)


    def _reason(self, reason: object) -> str:
        value = str(getattr(reason, "value", reason))
        return {"MISSING": self.tr("tidak ada"), "BANDAGED": self.tr("diperban/terluka"),
                "UNABLE": self.tr("tidak dapat direkam")}.get(value, value)

    def _note_text(self, note: str) -> str:
        if note.startswith("finger:"):
            return _finger_name(FingerPosition(int(note.split(":", 1)[1])))
        return {"portrait": self.tr("foto wajah"),
                "signature": self.tr("gambar tanda tangan")}.get(note, note)


def _safe(fn: Callable[[], str]) -> str:
    try:
        return fn()
    except Exception:  # an unknown village code: show the rest
        return ""


def _finger_name(pos: FingerPosition) -> str:
    return {
        FingerPosition.RIGHT_THUMB: QCoreApplication.translate("RecordDetail", "Jempol kanan"),
        FingerPosition.RIGHT_INDEX: QCoreApplication.translate("RecordDetail", "Telunjuk kanan"),
        FingerPosition.RIGHT_MIDDLE: QCoreApplication.translate("RecordDetail", "Tengah kanan"),
        FingerPosition.RIGHT_RING: QCoreApplication.translate("RecordDetail", "Manis kanan"),
        FingerPosition.RIGHT_LITTLE: QCoreApplication.translate("RecordDetail",
                                                                "Kelingking kanan"),
        FingerPosition.LEFT_THUMB: QCoreApplication.translate("RecordDetail", "Jempol kiri"),
        FingerPosition.LEFT_INDEX: QCoreApplication.translate("RecordDetail", "Telunjuk kiri"),
        FingerPosition.LEFT_MIDDLE: QCoreApplication.translate("RecordDetail", "Tengah kiri"),
        FingerPosition.LEFT_RING: QCoreApplication.translate("RecordDetail", "Manis kiri"),
        FingerPosition.LEFT_LITTLE: QCoreApplication.translate("RecordDetail", "Kelingking kiri"),
    }.get(pos, str(int(pos)))
