"""Dasbor: the day at a glance for a supervisor.

Today's count and progress against the daily target (default 100 per station: two operators,
about four minutes a record over a working day — BRIEF.md; the setting `dashboard.daily_target`
in the station's config store, changed by an admin here), the queue by status, the sync state
with the real cause of the last failure and the last success, and a bar chart drawn with QPainter
(PySide6-Essentials has no QtCharts): records per hour today, or per day over the last 14 days.

The numbers come from the store (`records.counts_by_status()` and `records.list(since=...)`,
no decryption) on the window's worker; the page refreshes on a timer while shown, after
approvals, and on every sync change. Admins and supervisors get the delivery actions here
("Segel & kirim sekarang", "Ekspor ke media…", "Impor tanda terima…").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.domain import Permission, RecordStatus, Role, can
from ui import style
from ui.records_page import status_text
from ui.style import set_role
from ui.sync_status import SyncController, error_text
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

TARGET_KEY = "dashboard.daily_target"
DEFAULT_TARGET = 100  # records per station per day (BRIEF.md)
REFRESH_MS = 60_000
DAYS = 14
LIST_LIMIT = 100_000  # records of the last 14 days (about 1,400 at the target rate)
S = RecordStatus
QUEUE = (S.CAPTURED, S.APPROVED, S.REJECTED, S.SEALED, S.SYNCED, S.EXPORTED, S.ACKNOWLEDGED,
         S.PURGED)


@dataclass
class DashboardData:
    """Everything the page shows, read on the worker."""

    today: int
    counts: dict[RecordStatus, int]
    per_hour: list[int]  # 24 values, local time today
    per_day: list[tuple[date, int]]  # the last DAYS days, oldest first
    target: int
    target_problem: str | None = None
    read_at: datetime = field(default_factory=lambda: datetime.now().astimezone())


def read_target(raw: str | None) -> tuple[int, str | None]:
    if raw is None or raw == "":
        return DEFAULT_TARGET, None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 10_000:
        return DEFAULT_TARGET, raw
    return value, None


def load(station: Any, now: datetime | None = None) -> DashboardData:
    """Runs on the worker: counts and the records of the last DAYS days (local time)."""
    now = (now or datetime.now()).astimezone()
    today = now.date()
    first = today - timedelta(days=DAYS - 1)
    records = station.records
    counts = records.counts_by_status()
    recent = records.list(since=first, limit=LIST_LIMIT)
    per_hour = [0] * 24
    per_day = {first + timedelta(days=i): 0 for i in range(DAYS)}
    for r in recent:
        when = r.created_at.astimezone(now.tzinfo)
        d = when.date()
        if d in per_day:
            per_day[d] += 1
        if d == today:
            per_hour[when.hour] += 1
    target, bad = read_target(station.config_store.get(TARGET_KEY))
    return DashboardData(
        today=per_day.get(today, 0), counts=counts, per_hour=per_hour,
        per_day=sorted(per_day.items()), target=target, target_problem=bad,
    )


class BarChart(QWidget):
    """A calm bar chart: labels under the bars, the value over each non-zero bar."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("bar_chart")
        self.setMinimumHeight(220)
        self.labels: list[str] = []
        self.values: list[int] = []
        self.highlight: int | None = None
        self.empty_text = ""

    def set_data(self, labels: Sequence[str], values: Sequence[int],
                 highlight: int | None = None) -> None:
        self.labels, self.values, self.highlight = list(labels), list(values), highlight
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(36, 14, -10, -26)
        top = max(self.values, default=0)
        scale_top = max(4, _nice(top))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.8))
        p.setFont(small)
        grid = QPen(QColor("#dde3e8"))
        text = QColor(style.MUTED)
        for k in range(5):  # horizontal grid lines and the scale
            y = rect.bottom() - rect.height() * k / 4
            p.setPen(grid)
            p.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
            p.setPen(text)
            p.drawText(QRectF(0, y - 8, 30, 16), Qt.AlignmentFlag.AlignRight
                       | Qt.AlignmentFlag.AlignVCenter, str(scale_top * k // 4))
        n = len(self.values)
        if n == 0:
            p.end()
            return
        slot = rect.width() / n
        bar = max(2.0, slot * 0.62)
        every = max(1, int(40 // slot) + 1)  # label every k-th bar so labels never overlap
        for i, v in enumerate(self.values):
            x = rect.left() + slot * i + (slot - bar) / 2
            h = rect.height() * v / scale_top
            color = QColor(style.ACCENT if i == self.highlight else "#7fa9bb")
            p.fillRect(QRectF(x, rect.bottom() - h, bar, h), color)
            if v:
                p.setPen(QColor(style.INK))
                p.drawText(QRectF(x - 10, rect.bottom() - h - 16, bar + 20, 14),
                           Qt.AlignmentFlag.AlignCenter, str(v))
            if i % every == 0 or i == self.highlight:
                p.setPen(text)
                p.drawText(QRectF(rect.left() + slot * i - 10, rect.bottom() + 4, slot + 20, 18),
                           Qt.AlignmentFlag.AlignHCenter, self.labels[i])
        if top == 0 and self.empty_text:
            p.setPen(text)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.empty_text)
        p.end()


def _nice(value: int) -> int:
    """A round scale top at or above `value` with four equal steps (4, 8, 20, 40, 100, 200 ..)."""
    for power in range(9):
        for step in (1, 2, 2.5, 5):
            size = step * 10**power
            if size == int(size) and 4 * size >= value:
                return int(4 * size)
    return value


class Dashboard(QWidget):
    """"Dasbor" — today's count, target, queue, sync and the chart."""

    refreshed = Signal()  # new numbers are on screen
    action_finished = Signal(str)  # "seal" | "export" | "import" (after success or failure)

    def __init__(
        self,
        station: Any,
        tasks: TaskRunner,
        describe: Callable[[BaseException], tuple[str, str]],
        sync: SyncController,
        *,
        locale: str = "id",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.station = station
        self.tasks = tasks
        self.describe = describe
        self.sync = sync
        self.locale = locale
        self.role: Role | None = None
        self.data: DashboardData | None = None
        self.chart_mode = "hour"
        # File choosers, replaceable (tests answer them without a native dialog).
        self.choose_directory: Callable[[], str] = lambda: QFileDialog.getExistingDirectory(
            self, self.tr("Pilih media tujuan ekspor"))
        self.choose_receipts: Callable[[], str] = lambda: QFileDialog.getOpenFileName(
            self, self.tr("Pilih berkas tanda terima"), "",
            self.tr("Tanda terima (*.json *.receipts *.rcpt);;Semua berkas (*)"))[0]
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self._build()
        sync.changed.connect(self._show_sync)
        sync.attempted.connect(self._sync_attempted)

    # --- construction ------------------------------------------------------------------------

    def _card(self, title: str) -> tuple[QFrame, QVBoxLayout]:
        card = QFrame()
        card.setProperty("role", "card")
        col = QVBoxLayout(card)
        col.setContentsMargins(18, 12, 18, 14)
        col.setSpacing(6)
        heading = QLabel(title)
        heading.setProperty("role", "section")
        col.addWidget(heading)
        return card, col

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 12)
        outer.setSpacing(12)
        head = QHBoxLayout()
        title = QLabel(self.tr("Dasbor"))
        title.setProperty("role", "title")
        head.addWidget(title)
        head.addStretch(1)
        self.updated_label = QLabel(objectName="updated_label")
        self.updated_label.setProperty("role", "hint")
        head.addWidget(self.updated_label)
        self.refresh_button = QPushButton(self.tr("Muat ulang"), objectName="dash_refresh")
        self.refresh_button.clicked.connect(self.refresh)
        head.addWidget(self.refresh_button)
        outer.addLayout(head)

        self.message = QLabel(objectName="dash_message")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)

        grid = QGridLayout()
        grid.setSpacing(12)
        today, col = self._card(self.tr("Hari ini"))
        self.today_label = QLabel("—", objectName="today_count")
        self.today_label.setStyleSheet(f"font-size: 30pt; font-weight: 600; color: "
                                       f"{style.ACCENT_DARK};")
        col.addWidget(self.today_label)
        self.progress = QProgressBar(objectName="target_progress")
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(12)
        col.addWidget(self.progress)
        self.target_label = QLabel(objectName="target_label")
        self.target_label.setProperty("role", "hint")
        self.target_label.setWordWrap(True)
        col.addWidget(self.target_label)
        trow = QHBoxLayout()
        self.target_edit = QSpinBox(objectName="target_edit")
        self.target_edit.setRange(1, 10_000)
        self.target_edit.setSuffix(self.tr(" / hari"))
        self.target_save = QPushButton(self.tr("Simpan target"), objectName="target_save")
        self.target_save.clicked.connect(self.save_target)
        trow.addWidget(self.target_edit)
        trow.addWidget(self.target_save)
        trow.addStretch(1)
        self.target_row = QWidget()
        self.target_row.setLayout(trow)
        trow.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.target_row)
        col.addStretch(1)
        grid.addWidget(today, 0, 0)

        queue, col = self._card(self.tr("Antrean menurut status"))
        qgrid = QGridLayout()
        qgrid.setHorizontalSpacing(16)
        qgrid.setVerticalSpacing(2)
        self.queue_labels: dict[RecordStatus, QLabel] = {}
        for i, s in enumerate(QUEUE):
            name = QLabel(status_text(s))
            value = QLabel("—", objectName=f"queue_{s.value}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            value.setStyleSheet("font-weight: 600;")
            qgrid.addWidget(name, i % 4, (i // 4) * 2)
            qgrid.addWidget(value, i % 4, (i // 4) * 2 + 1)
            self.queue_labels[s] = value
        col.addLayout(qgrid)
        col.addStretch(1)
        grid.addWidget(queue, 0, 1)

        sync, col = self._card(self.tr("Sinkronisasi"))
        self.sync_state = QLabel(objectName="dash_sync_state")
        self.sync_state.setWordWrap(True)
        col.addWidget(self.sync_state)
        self.sync_detail = QLabel(objectName="dash_sync_detail")
        self.sync_detail.setProperty("role", "hint")
        self.sync_detail.setWordWrap(True)
        col.addWidget(self.sync_detail)
        arow = QHBoxLayout()
        self.seal_button = QPushButton(self.tr("Segel && kirim sekarang"), objectName="seal_button")
        self.export_button = QPushButton(self.tr("Ekspor ke media…"), objectName="export_button")
        self.import_button = QPushButton(self.tr("Impor tanda terima…"),
                                         objectName="import_button")
        for b in (self.seal_button, self.export_button, self.import_button):
            arow.addWidget(b)
        arow.addStretch(1)
        col.addLayout(arow)
        self.action_progress = QProgressBar(objectName="action_progress")
        self.action_progress.setRange(0, 0)  # busy: the store reports no steps
        self.action_progress.setFixedHeight(8)
        self.action_progress.setTextVisible(False)
        self.action_progress.hide()
        col.addWidget(self.action_progress)
        self.action_result = QLabel(objectName="action_result")
        self.action_result.setWordWrap(True)
        self.action_result.hide()
        col.addWidget(self.action_result)
        col.addStretch(1)
        grid.addWidget(sync, 0, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 4)
        grid.setColumnStretch(2, 5)
        outer.addLayout(grid)
        self.seal_button.clicked.connect(self.seal_and_send)
        self.export_button.clicked.connect(self.export_to_media)
        self.import_button.clicked.connect(self.import_receipts)

        chart, col = self._card(self.tr("Rekaman"))
        switch = QHBoxLayout()
        self.hour_button = QPushButton(self.tr("Per jam hari ini"), objectName="chart_hour")
        self.day_button = QPushButton(self.tr("Per hari, 14 hari terakhir"),
                                      objectName="chart_day")
        group = QButtonGroup(self)
        for b in (self.hour_button, self.day_button):
            b.setCheckable(True)
            b.setStyleSheet(f"QPushButton:checked {{ background: {style.ACCENT}; color: white; "
                            f"border-color: {style.ACCENT}; }}")
            group.addButton(b)
            switch.addWidget(b)
        self.hour_button.setChecked(True)
        switch.addStretch(1)
        col.addLayout(switch)
        self.chart = BarChart()
        self.chart.empty_text = self.tr("Belum ada rekaman pada rentang ini.")
        col.addWidget(self.chart, 1)
        outer.addWidget(chart, 1)
        self.hour_button.clicked.connect(lambda: self.set_chart_mode("hour"))
        self.day_button.clicked.connect(lambda: self.set_chart_mode("day"))
        self.set_role(None)

    # --- session -----------------------------------------------------------------------------

    def set_role(self, role: Role | str | None) -> None:
        self.role = Role(role) if role else None
        r = self.role
        ready = r is not None and self.sync.available  # no service: no delivery buttons
        self.seal_button.setVisible(ready and can(r, Permission.SEAL))
        self.export_button.setVisible(ready and can(r, Permission.EXPORT))
        self.import_button.setVisible(ready and can(r, Permission.EXPORT))
        self.target_row.setVisible(r is not None and can(r, Permission.SETTINGS))
        if r is None:
            self.timer.stop()
            self.data = None
            self.today_label.setText("—")
            for label in self.queue_labels.values():
                label.setText("—")
            self.chart.set_data([], [])
            self.action_result.hide()
            self.message.hide()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.role is not None:
            self.timer.start()
            self.refresh()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        super().hideEvent(event)
        self.timer.stop()

    # --- numbers -----------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.role is None:
            return
        station = self.station
        self.tasks.submit(lambda: load(station), self._loaded, self._failed)

    def _loaded(self, data: DashboardData) -> None:
        if self.role is None:
            return
        self.data = data
        self.message.hide()
        self.today_label.setText(str(data.today))
        self.progress.setRange(0, data.target)
        self.progress.setValue(min(data.today, data.target))
        pct = round(100 * data.today / data.target)
        text = self.tr("%1 dari target %2 per hari (%3%)").replace("%1", str(data.today)) \
            .replace("%2", str(data.target)).replace("%3", str(pct))
        if data.target_problem is not None:
            text += " · " + self.tr("pengaturan target %1 tidak sah; memakai %2").replace(
                "%1", repr(data.target_problem)).replace("%2", str(DEFAULT_TARGET))
        self.target_label.setText(text)
        if not self.target_edit.hasFocus():
            self.target_edit.setValue(data.target)
        for s, label in self.queue_labels.items():
            label.setText(str(data.counts.get(s, 0)))
        self.updated_label.setText(self.tr("Diperbarui %1").replace(
            "%1", data.read_at.strftime("%H:%M:%S")))
        self._draw_chart()
        self._show_sync()
        self.refreshed.emit()

    def _sync_attempted(self) -> None:
        if self.isVisible():  # records may have moved on (sealed -> uploaded -> acknowledged)
            self.refresh()

    def set_chart_mode(self, mode: str) -> None:
        self.chart_mode = mode
        (self.hour_button if mode == "hour" else self.day_button).setChecked(True)
        self._draw_chart()

    def _draw_chart(self) -> None:
        d = self.data
        if d is None:
            return
        if self.chart_mode == "hour":
            now = d.read_at.hour
            self.chart.set_data([f"{h:02d}" for h in range(24)], d.per_hour, highlight=now)
        else:
            self.chart.set_data([day.strftime("%d/%m") for day, _n in d.per_day],
                                [n for _day, n in d.per_day], highlight=len(d.per_day) - 1)

    def _failed(self, exc: BaseException) -> None:
        text, severity = self.describe(exc)
        self.message.setText(text)
        set_role(self.message, severity)
        self.message.show()

    # --- target ------------------------------------------------------------------------------

    def save_target(self) -> None:
        value = self.target_edit.value()
        store = self.station.config_store
        self.tasks.submit(lambda: store.set(TARGET_KEY, str(value)), lambda _r: self.refresh(),
                          self._failed)

    # --- sync --------------------------------------------------------------------------------

    def _show_sync(self) -> None:
        c = self.sync
        if not c.available:
            self.sync_state.setText(self.tr("Sinkronisasi tidak tersedia di jendela ini."))
            set_role(self.sync_state, "neutral")
            self.sync_detail.setText("")
            return
        snap = c.snapshot
        if c.status_error is not None:
            text, _sev = self.describe(c.status_error)
            self.sync_state.setText(self.tr("Status sinkronisasi tidak terbaca: %1")
                                    .replace("%1", text))
            set_role(self.sync_state, "error")
        elif c.status is None:
            self.sync_state.setText(self.tr("Memeriksa…"))
            set_role(self.sync_state, "neutral")
        elif not c.provisioned:
            self.sync_state.setText(self.tr(
                "Stasiun belum diarahkan ke server penerima. Petugas TI menjalankan `rekam "
                "provision`; sementara itu rekaman dapat dikirim lewat media (ekspor)."))
            set_role(self.sync_state, "warn")
        elif snap.error is not None:
            self.sync_state.setText(self.tr("Gagal: %1").replace(
                "%1", error_text(snap.error, self.locale)))
            set_role(self.sync_state, "error")
        elif c.queued:
            self.sync_state.setText(self.tr("%1 rekaman menunggu dikirim.").replace(
                "%1", str(c.queued)))
            set_role(self.sync_state, "neutral")
        else:
            self.sync_state.setText(self.tr("Semua rekaman tersegel sudah terkirim."))
            set_role(self.sync_state, "ok")
        bits = []
        if c.status is not None and c.status.get("server"):
            bits.append(self.tr("Server: %1").replace("%1", str(c.status["server"].get("url"))))
        bits.append(self.tr("Terakhir berhasil: %1").replace(
            "%1", snap.last_success.astimezone().strftime("%d-%m-%Y %H:%M:%S")
            if snap.last_success else self.tr("belum pernah")))
        if snap.last_attempt:
            bits.append(self.tr("percobaan terakhir %1").replace(
                "%1", snap.last_attempt.astimezone().strftime("%H:%M:%S")))
        if snap.error is not None and snap.consecutive_failures:
            bits.append(self.tr("%1 kali gagal berturut-turut").replace(
                "%1", str(snap.consecutive_failures)))
        if snap.error is not None and snap.next_attempt_in:
            bits.append(self.tr("dicoba lagi dalam ±%1 detik").replace(
                "%1", str(round(snap.next_attempt_in))))
        self.sync_detail.setText(" · ".join(bits))

    def _busy(self, text: str) -> None:
        for b in (self.seal_button, self.export_button, self.import_button):
            b.setEnabled(False)
        self.action_progress.show()
        self._result(text, "neutral")

    def _done(self, kind: str, text: str, role: str) -> None:
        for b in (self.seal_button, self.export_button, self.import_button):
            b.setEnabled(True)
        self.action_progress.hide()
        self._result(text, role)
        self.refresh()
        self.sync.refresh()
        self.action_finished.emit(kind)

    def _result(self, text: str, role: str) -> None:
        self.action_result.setText(text)
        set_role(self.action_result, role)
        self.action_result.setVisible(bool(text))

    def _action_failed(self, kind: str) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            text, severity = self.describe(exc)
            self._done(kind, text, severity)
        return failed

    def seal_and_send(self) -> None:
        service = self.sync.service
        if service is None or self.role is None or not can(self.role, Permission.SEAL):
            return
        background = self.sync.started
        wake = self.sync.wake

        def work() -> tuple[Any, Any]:
            report = service.seal()
            if background:
                wake()  # also when nothing new was sealed: retry what is waiting now
                return report, None
            return report, service.run_once()

        self._busy(self.tr("Menyegel rekaman yang disetujui…"))
        self.tasks.submit(work, self._sealed, self._action_failed("seal"))

    def _sealed(self, result: tuple[Any, Any]) -> None:
        report, state = result
        text = self.tr("%1 rekaman disegel.").replace("%1", str(len(report.sealed)))
        role = "ok"
        if report.failed:
            text += " " + self.tr("%1 gagal: %2").replace("%1", str(len(report.failed))).replace(
                "%2", "; ".join(f"{rid[:8]}: {why}" for rid, why in
                                list(report.failed.items())[:3]))
            role = "warn"
        error = getattr(state, "last_error", None)
        if error is not None:
            text += " " + self.tr("Pengiriman gagal: %1").replace(
                "%1", error_text(error.problem, self.locale))
            role = "error"
        elif state is not None:
            text += " " + self.tr("Pengiriman selesai.")
        else:
            text += " " + self.tr("Pengiriman berjalan di latar belakang.")
        self._done("seal", text, role)

    def export_to_media(self) -> None:
        service = self.sync.service
        if service is None or self.role is None or not can(self.role, Permission.EXPORT):
            return
        chosen = self.choose_directory()
        if not chosen:
            return
        target = Path(chosen)
        self._busy(self.tr("Menulis batch ke %1…").replace("%1", str(target)))
        self.tasks.submit(lambda: service.export(target), self._exported,
                          self._action_failed("export"))

    def _exported(self, result: Any) -> None:
        if not result.packets:
            self._done("export", self.tr("Tidak ada paket tersegel yang perlu diekspor."),
                       "neutral")
            return
        names = ", ".join(p.name for p in result.paths)
        self._done("export", self.tr("%1 paket ditulis ke %2 berkas: %3. Bawa media ke server "
                                     "pusat, lalu impor tanda terimanya.")
                   .replace("%1", str(result.packets)).replace("%2", str(len(result.paths)))
                   .replace("%3", names), "ok")

    def import_receipts(self) -> None:
        service = self.sync.service
        if service is None or self.role is None or not can(self.role, Permission.EXPORT):
            return
        chosen = self.choose_receipts()
        if not chosen:
            return
        path = Path(chosen)

        def work() -> Any:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise _ReadFailed(path, exc) from None
            return service.import_receipts(data)

        self._busy(self.tr("Memeriksa tanda terima %1…").replace("%1", path.name))
        self.tasks.submit(work, self._imported, self._import_failed)

    def _import_failed(self, exc: BaseException) -> None:
        if isinstance(exc, _ReadFailed):
            self._done("import", self.tr("Berkas %1 tidak dapat dibaca: %2").replace(
                "%1", str(exc.path)).replace("%2", exc.reason), "error")
        else:
            self._action_failed("import")(exc)

    def _imported(self, result: Any) -> None:
        text = self.tr("%1 tanda terima diterapkan, %2 sudah diterapkan sebelumnya.").replace(
            "%1", str(result.applied)).replace("%2", str(result.already))
        role = "ok"
        if result.unknown:
            text += " " + self.tr("%1 bukan milik stasiun ini (diabaikan).").replace(
                "%1", str(len(result.unknown)))
            role = "warn"
        self._done("import", text, role)


class _ReadFailed(Exception):
    def __init__(self, path: Path, exc: OSError):
        self.path = path
        self.reason = exc.strerror or type(exc).__name__
        super().__init__(f"{path}: {self.reason}")
