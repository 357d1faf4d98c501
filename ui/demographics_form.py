"""Step 1 of the enrollment: the applicant's demographics, checked as the operator types.

Everything is validated by the domain rules (`station.domain`): the NIK on every keystroke once it
has 16 digits (region, birth date with +40 for women, serial, and agreement with the stated birth
date and sex), the KK number, and the whole form through `parse_applicant` when the operator asks
for the check (Ctrl+Enter, or Enter on the last field). Every problem is shown in the operator's
language next to its field and in the summary; the first field with a problem takes the focus.

`DemographicsForm` is a mixin for the page that hosts the steps (`ui.enrollment.EnrollmentPage`):
the fields live on the page itself, so `page.nik`, `page.check()` and the rest keep working. The
host is a QWidget that declares the signals `demographics_checked` and `nik_ready`, sets the form
state in its `__init__` (`station_region_code`, `locale`, `_today`, `_autofilled`, `_duplicate`,
`_fields`, `applicant`) and provides the step hooks `_next_step(lines)` (after a successful check)
and `_reset_steps()` (when the form is cleared).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.domain import (
    Applicant,
    BloodType,
    Citizenship,
    MaritalStatus,
    Problem,
    Religion,
    RuleViolation,
    Sex,
    eligibility_problems,
    is_domicile_recording,
    parse_applicant,
    regions,
    validate_kk,
    validate_nik,
)
from station.domain.applicant import CARD_AGE, COMMON_OCCUPATIONS, ELIGIBLE_AGE
from ui.region_picker import RegionPicker
from ui.style import set_role, set_state

DATE_FORMAT = "%d-%m-%Y"

DATE_INVALID = Problem(
    "FIELD_INVALID_DATE_OF_BIRTH",
    "Tanggal lahir: isi dengan format HH-BB-TTTT, misalnya 31-12-1990.",
    "Date of birth: use the format DD-MM-YYYY, for example 31-12-1990.",
)


def localized(problem: Problem, locale: str) -> str:
    """The problem's message in `locale`.

    Some field messages from the domain carry both languages as "indonesia / english"; show only
    the operator's half.
    """
    text = problem.message(locale)
    if " / " in text:
        label, _, detail = text.partition(": ")
        parts = detail.split(" / ") if detail else text.split(" / ")
        if len(parts) == 2:
            chosen = parts[1] if locale.startswith("en") else parts[0]
            return f"{label}: {chosen}" if detail else chosen
    return text


def parse_date(text: str) -> date | None:
    """"31-12-1990" -> date; None when incomplete or not a real date."""
    text = text.strip()
    try:
        return datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        return None


def region_line(codes: Sequence[str | None]) -> str:
    names = []
    for code in codes:
        if not code:
            continue
        try:
            names.append(regions.get(code).name)
        except regions.UnknownRegion:
            names.append(code)
    return ", ".join(names)


class UpperLineEdit(QLineEdit):
    """Identity-card text is upper case; the operator need not hold Shift."""

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.textEdited.connect(self._upper)

    def _upper(self, text: str) -> None:
        upper = text.upper()
        if upper != text:
            pos = self.cursorPosition()
            self.setText(upper)
            self.setCursorPosition(pos)


class _Field:
    """A label, its input and the line under it that names this field's problem."""

    def __init__(self, key: str, label: QLabel, widget: QWidget, error: QLabel):
        self.key = key
        self.label = label
        self.widget = widget
        self.error = error

    def show_problems(self, messages: list[str]) -> None:
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))
        set_state(self.widget, "error" if messages else "")


class DemographicsForm:
    """The demographics form: fields, live NIK validation, regions, eligibility and the check.

    Its strings are in this class's translation context (pyside6-lupdate files `self.tr()` under
    the class it is written in); `tr` looks them up along the host's MRO, as PySide does.
    """

    def tr(self, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        """PySide's lookup (each class of the MRO in turn), also right for plurals (%n).

        PySide stops at the first class whose lookup differs from `source`; an untranslated
        plural already differs (its %n is filled in), so the host's own context would hide this
        class's translation. Here a lookup counts when it differs from the untranslated text.
        """
        untranslated = QCoreApplication.translate("", source, disambiguation, n)
        for cls in type(self).__mro__:
            result = QCoreApplication.translate(cls.__name__, source, disambiguation, n)
            if result != untranslated:
                return result
        return untranslated

    # --- construction ------------------------------------------------------------------------

    def _build_form(self, form_column: QVBoxLayout) -> None:
        """The form's fields, summary and buttons, in a scroll area at the top of `form_column`."""
        scroll = QScrollArea()
        self._scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("page")
        scroll.setWidget(body)
        form_column.addWidget(scroll, 1)

        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(12)
        card = QFrame()
        card.setProperty("role", "card")
        column.addWidget(card)
        grid = QGridLayout(card)
        grid.setContentsMargins(22, 14, 22, 18)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        self._grid = grid
        self._row = 0

        digits16 = QRegularExpressionValidator(r"\d{0,16}")
        rt_rw = QRegularExpressionValidator(r"\d{0,3}")

        self._section(self.tr("Identitas"))
        self.nik = QLineEdit(objectName="nik")
        self.nik.setValidator(digits16)
        self.nik.setMaxLength(16)
        self.nik.setPlaceholderText(self.tr("16 digit, misalnya 3505014101990001"))
        self.kk = QLineEdit(objectName="kk_number")
        self.kk.setValidator(QRegularExpressionValidator(r"\d{0,16}"))
        self.kk.setMaxLength(16)
        self.kk.setPlaceholderText(self.tr("16 digit nomor Kartu Keluarga"))
        self._add("nik", self.tr("N&IK"), self.nik, 0)
        self._add("kk_number", self.tr("Nomor &KK"), self.kk, 1)
        self.nik_verdict = QLabel(objectName="nik_verdict")
        self.nik_verdict.setWordWrap(True)
        self.nik_verdict.setTextFormat(Qt.TextFormat.PlainText)
        self._grid.addWidget(self.nik_verdict, self._row, 0, 1, 2)
        self._row += 1
        self.domicile = QLabel(objectName="domicile")
        self.domicile.setWordWrap(True)
        self.domicile.setProperty("role", "warn")
        self.domicile.hide()
        self._grid.addWidget(self.domicile, self._row, 0, 1, 2)
        self._row += 1
        self.duplicate = QLabel(objectName="duplicate")
        self.duplicate.setWordWrap(True)
        self.duplicate.setTextFormat(Qt.TextFormat.PlainText)
        self.duplicate.setProperty("role", "error")
        self.duplicate.hide()
        self._grid.addWidget(self.duplicate, self._row, 0, 1, 2)
        self._row += 1

        self.full_name = UpperLineEdit(objectName="full_name")
        self.full_name.setMaxLength(60)
        self._add("full_name", self.tr("Nama &lengkap"), self.full_name, 0, span=2)
        self.place_of_birth = UpperLineEdit(objectName="place_of_birth")
        self.place_of_birth.setMaxLength(60)
        self.date_of_birth = QLineEdit(objectName="date_of_birth")
        self.date_of_birth.setInputMask("00-00-0000;_")
        self.date_of_birth.setToolTip(self.tr("HH-BB-TTTT, misalnya 31-12-1990"))
        self._add("place_of_birth", self.tr("&Tempat lahir"), self.place_of_birth, 0)
        self._add("date_of_birth", self.tr("Tan&ggal lahir (HH-BB-TTTT)"), self.date_of_birth, 1)

        self.sex = QComboBox(objectName="sex")
        self.sex.addItem(self.tr("— pilih —"), None)
        self.sex.addItem(self.tr("LAKI-LAKI"), Sex.MALE.value)
        self.sex.addItem(self.tr("PEREMPUAN"), Sex.FEMALE.value)
        self.blood_type = QComboBox(objectName="blood_type")
        self.blood_type.addItem(self.tr("- (tidak tahu)"), BloodType.UNKNOWN.value)
        for bt in BloodType:
            if bt is not BloodType.UNKNOWN:
                self.blood_type.addItem(bt.value, bt.value)
        self._add("sex", self.tr("Jenis kela&min"), self.sex, 0)
        self._add("blood_type", self.tr("Golongan dara&h"), self.blood_type, 1)

        self._section(self.tr("Alamat"))
        self.street = UpperLineEdit(objectName="street")
        self.street.setMaxLength(120)
        self.street.setPlaceholderText(self.tr("Jalan, dusun atau lingkungan"))
        self._add("street", self.tr("Alamat (&jalan)"), self.street, 0, span=2)
        self.rt = QLineEdit(objectName="rt")
        self.rt.setValidator(rt_rw)
        self.rt.setPlaceholderText("001")
        self.rw = QLineEdit(objectName="rw")
        self.rw.setValidator(QRegularExpressionValidator(r"\d{0,3}"))
        self.rw.setPlaceholderText("001")
        self._add("rt", self.tr("&RT"), self.rt, 0)
        self._add("rw", self.tr("R&W"), self.rw, 1)
        self.regions = RegionPicker(self.station_region_code)
        self._grid.addWidget(self.regions, self._row, 0, 1, 2)
        self._row += 1
        region_error = QLabel()
        region_error.setProperty("role", "field-error")
        region_error.hide()
        self._grid.addWidget(region_error, self._row, 0, 1, 2)
        self._row += 1
        self._fields["village_code"] = _Field(
            "village_code", self.regions.labels[3], self.regions.village, region_error
        )

        self._section(self.tr("Data lain"))
        self.religion = QComboBox(objectName="religion")
        self.religion.addItem(self.tr("— pilih —"), None)
        for r in Religion:
            self.religion.addItem(r.value, r.value)
        self.marital_status = QComboBox(objectName="marital_status")
        self.marital_status.addItem(self.tr("— pilih —"), None)
        for m in MaritalStatus:
            self.marital_status.addItem(m.value, m.value)
        self._add("religion", self.tr("&Agama"), self.religion, 0)
        self._add("marital_status", self.tr("&Status perkawinan"), self.marital_status, 1)

        self.occupation = QComboBox(objectName="occupation")
        self.occupation.setEditable(True)
        self.occupation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.occupation.addItems(list(COMMON_OCCUPATIONS))
        self.occupation.setCurrentIndex(-1)
        self.occupation.lineEdit().setMaxLength(120)
        self.occupation.lineEdit().setPlaceholderText(self.tr("ketik untuk mencari"))
        completer = QCompleter(list(COMMON_OCCUPATIONS), self.occupation)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.occupation.setCompleter(completer)
        self.citizenship = QComboBox(objectName="citizenship")
        self.citizenship.addItem(self.tr("WNI (Warga Negara Indonesia)"), Citizenship.WNI.value)
        self.citizenship.addItem(self.tr("WNA (Warga Negara Asing)"), Citizenship.WNA.value)
        self._add("occupation", self.tr("&Pekerjaan"), self.occupation, 0)
        self._add("citizenship", self.tr("Kewarga&negaraan"), self.citizenship, 1)

        # Summary: eligibility, the result of the check, every problem found.
        summary = QFrame()
        summary.setProperty("role", "card")
        box = QVBoxLayout(summary)
        box.setContentsMargins(22, 14, 22, 14)
        box.setSpacing(8)
        heading = QLabel(self.tr("Ringkasan"))
        heading.setProperty("role", "section")
        box.addWidget(heading)
        self.eligibility = QLabel(objectName="eligibility")
        self.eligibility.setWordWrap(True)
        box.addWidget(self.eligibility)
        self.result = QLabel(objectName="result")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.hide()
        box.addWidget(self.result)
        column.addWidget(summary)
        column.addStretch(1)

        buttons = QHBoxLayout()
        self.clear_button = QPushButton(self.tr("Formulir baru"), objectName="clear")
        self.clear_button.setToolTip(self.tr("Kosongkan formulir (Ctrl+Shift+N)"))
        self.check_button = QPushButton(self.tr("Periksa data  (Ctrl+Enter)"), objectName="check")
        self.check_button.setProperty("role", "primary")
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        self.to_capture_button = QPushButton(self.tr("Lanjut: foto wajah  (Ctrl+→)"),
                                             objectName="to_capture")
        self.to_capture_button.setProperty("role", "primary")
        self.to_capture_button.setAutoDefault(True)  # Enter presses it when focused
        self.to_capture_button.setEnabled(False)
        self.to_capture_button.hide()
        buttons.addWidget(self.to_capture_button)
        form_column.addLayout(buttons)

        self._inputs: list[QWidget] = [
            self.nik, self.kk, self.full_name, self.place_of_birth, self.date_of_birth,
            self.sex, self.blood_type, self.street, self.rt, self.rw, *self.regions.combos,
            self.religion, self.marital_status, self.occupation, self.citizenship,
        ]
        for first, second in zip(self._inputs, self._inputs[1:], strict=False):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(self._inputs[-1], self.check_button)
        for widget in self._inputs:
            widget.installEventFilter(self)
        self.occupation.lineEdit().installEventFilter(self)

    def _section(self, text: str) -> None:
        label = QLabel(text)
        label.setProperty("role", "section")
        self._grid.addWidget(label, self._row, 0, 1, 2)
        self._row += 1

    def _add(self, key: str, text: str, widget: QWidget, column: int, *, span: int = 1) -> None:
        label = QLabel(text)
        label.setBuddy(widget)
        error = QLabel()
        error.setObjectName(f"{key}_error")
        error.setProperty("role", "field-error")
        error.setWordWrap(True)
        error.hide()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 6, 0, 2)
        box.setSpacing(3)
        box.addWidget(label)
        box.addWidget(widget)
        box.addWidget(error)
        # Top-aligned, so a field keeps its place when its neighbour shows a problem line.
        self._grid.addWidget(holder, self._row, column, 1, span, Qt.AlignmentFlag.AlignTop)
        if column + span >= 2:
            self._row += 1
        self._fields[key] = _Field(key, label, widget, error)

    def _wire(self) -> None:
        self.nik.textChanged.connect(self._nik_changed)
        self.kk.textChanged.connect(self._kk_changed)
        self.date_of_birth.textEdited.connect(lambda _t: self._touched("date_of_birth"))
        self.date_of_birth.textChanged.connect(lambda _t: self._cross_changed())
        self.sex.activated.connect(lambda _i: self._touched("sex"))
        self.sex.currentIndexChanged.connect(lambda _i: self._cross_changed())
        self.marital_status.currentIndexChanged.connect(lambda _i: self.update_eligibility())
        self.check_button.clicked.connect(self.check)
        self.clear_button.clicked.connect(self.ask_clear)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.check)
        new = QShortcut(QKeySequence("Ctrl+Shift+N"), self)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.ask_clear)
        for w in (self.full_name, self.place_of_birth, self.street, self.rt, self.rw):
            w.textEdited.connect(lambda _t: self._form_edited())
        for w in (self.rt, self.rw):
            w.editingFinished.connect(lambda w=w: self._pad(w))
        self.occupation.lineEdit().textEdited.connect(self._occupation_edited)
        for combo in (self.blood_type, self.religion, self.citizenship, *self.regions.combos):
            combo.activated.connect(lambda _i: self._form_edited())

    # --- keyboard: Enter moves on, Enter on the last field checks ------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress:
            key_event = QKeyEvent(event)  # type: ignore[arg-type]
            if (
                key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and key_event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                              Qt.KeyboardModifier.KeypadModifier)
            ):
                combo = watched if isinstance(watched, QComboBox) else None
                if combo is None and watched is self.occupation.lineEdit():
                    combo = self.occupation
                    popup = self.occupation.completer().popup()
                    if popup is not None and popup.isVisible():
                        return False  # Enter picks the completion first
                if combo is not None and combo.view().isVisible():
                    return False  # Enter picks the item in the open list
                self.advance_from(combo or watched)
                return True
        return super().eventFilter(watched, event)

    def advance_from(self, widget: QObject) -> None:
        """Focus the next enabled input after `widget`; after the last one, run the check."""
        try:
            index = self._inputs.index(widget)  # type: ignore[arg-type]
        except ValueError:
            return
        for nxt in self._inputs[index + 1 :]:
            if nxt.isEnabled() and nxt.isVisible():
                nxt.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.check()

    # --- live feedback -----------------------------------------------------------------------

    @staticmethod
    def _pad(field: QLineEdit) -> None:
        """RT/RW are written with three digits on the card: 2 -> 002."""
        text = field.text()
        if text.isdigit() and int(text) > 0 and len(text) < 3:
            field.setText(f"{int(text):03d}")

    def _occupation_edited(self, text: str) -> None:
        self._form_edited()
        line = self.occupation.lineEdit()
        if text != text.upper():
            pos = line.cursorPosition()
            line.setText(text.upper())
            line.setCursorPosition(pos)

    def _touched(self, key: str) -> None:
        self._autofilled.discard(key)
        self._form_edited()

    def _form_edited(self) -> None:
        """Any edit makes the last check's verdict stale."""
        if self.result.isVisible():
            self.result.hide()
        self.applicant = None
        self.to_capture_button.setEnabled(False)

    def _nik_changed(self, _text: str) -> None:
        self._form_edited()
        self.update_nik_verdict()

    def _kk_changed(self, text: str) -> None:
        self._form_edited()
        field = self._fields["kk_number"]
        if len(text) == 16:
            field.show_problems([localized(p, self.locale) for p in validate_kk(text)])
            if not validate_kk(text):
                set_state(self.kk, "ok")
        else:
            field.show_problems([])

    def _cross_changed(self) -> None:
        self._form_edited()
        self.update_nik_verdict()
        self.update_eligibility()

    def stated_birth_date(self) -> date | None:
        return parse_date(self.date_of_birth.text())

    def stated_sex(self) -> Sex | None:
        value = self.sex.currentData()
        return Sex(value) if value else None

    def update_nik_verdict(self) -> None:
        """Re-check the NIK against the stated birth date and sex; show what it encodes."""
        text = self.nik.text()
        field = self._fields["nik"]
        self.domicile.hide()
        if self._duplicate is not None or self.duplicate.isVisible():
            self._duplicate = None
            self.duplicate.hide()
        if len(text) < 16:
            set_role(self.nik_verdict, "neutral")
            if text:
                self.nik_verdict.setText(self.tr("%n dari 16 digit", "", len(text)))
            else:
                self.nik_verdict.setText(
                    self.tr("Ketik NIK: tanggal lahir, jenis kelamin dan wilayahnya akan "
                            "ditampilkan di sini.")
                )
            field.show_problems([])
            return
        verdict = validate_nik(
            text, birth_date=self.stated_birth_date(), sex=self.stated_sex(), today=self._today()
        )
        if verdict.sex is not None and verdict.birth_date is not None and verdict.valid:
            self._autofill(verdict.birth_date, verdict.sex)
            verdict = validate_nik(
                text, birth_date=self.stated_birth_date(), sex=self.stated_sex(),
                today=self._today(),
            )
        lines: list[str] = []
        if verdict.birth_date is not None or verdict.sex is not None or verdict.region is not None:
            derived = []
            if verdict.birth_date is not None:
                derived.append(self.tr("lahir %1").replace(
                    "%1", verdict.birth_date.strftime(DATE_FORMAT)))
            if verdict.sex is not None:
                derived.append(self.tr("LAKI-LAKI") if verdict.sex is Sex.MALE
                               else self.tr("PEREMPUAN"))
            if verdict.region is not None:
                where = ", ".join(
                    n for n in (verdict.region.district, verdict.region.regency,
                                verdict.region.province) if n
                )
                derived.append(where or self.tr("wilayah %1").replace(
                    "%1", verdict.region.district_code))
            lines.append(self.tr("Dari NIK: %1").replace("%1", " · ".join(derived)))
        if verdict.valid:
            set_role(self.nik_verdict, "ok")
            self.nik_verdict.setText("\n".join([self.tr("✓ NIK sah."), *lines]))
            field.show_problems([])
            set_state(self.nik, "ok")
            self._show_domicile(text)
            self.nik_ready.emit(text)
        else:
            set_role(self.nik_verdict, "error")
            problems = [localized(p, self.locale) for p in verdict.problems]
            self.nik_verdict.setText(
                "\n".join([self.tr("✗ NIK bermasalah:"), *(f"• {m}" for m in problems), *lines])
            )
            field.show_problems([])
            set_state(self.nik, "error")

    def show_earlier_records(self, nik: str, problem: Problem | None) -> None:
        """The station's answer for `nik`: a problem when it was recorded here already.

        Answers for a NIK that is no longer on screen are ignored.
        """
        if nik != self.nik.text():
            return
        self._duplicate = problem
        if problem is None:
            self.duplicate.hide()
            return
        self.duplicate.setText(localized(problem, self.locale))
        self.duplicate.show()
        set_state(self.nik, "error")

    def _autofill(self, birth_date: date, sex: Sex) -> None:
        """Fill birth date and sex from a valid NIK when the operator has not entered them."""
        if self.stated_birth_date() is None and not self.date_of_birth.text().strip("-_ "):
            self.date_of_birth.blockSignals(True)
            self.date_of_birth.setText(birth_date.strftime(DATE_FORMAT))
            self.date_of_birth.blockSignals(False)
            self._autofilled.add("date_of_birth")
            self.update_eligibility()
        if self.sex.currentData() is None:
            self.sex.blockSignals(True)
            self.sex.setCurrentIndex(self.sex.findData(sex.value))
            self.sex.blockSignals(False)
            self._autofilled.add("sex")

    def _show_domicile(self, nik: str) -> None:
        station = self.station_region_code[:5]
        issued = f"{nik[0:2]}.{nik[2:4]}"
        if issued == station:
            return
        self.domicile.setText(
            self.tr("Perekaman domisili: NIK ini terbit di %1, di luar wilayah stasiun (%2). "
                    "Boleh direkam; rekaman ditandai sebagai domisili.")
            .replace("%1", region_line([issued]) or issued)
            .replace("%2", region_line([station]))
        )
        self.domicile.show()

    def update_eligibility(self) -> None:
        born = self.stated_birth_date()
        status = self.marital_status.currentData()
        if born is None:
            set_role(self.eligibility, "neutral")
            self.eligibility.setText(
                self.tr("Syarat umur: diperiksa setelah tanggal lahir diisi (minimal %1 tahun, "
                        "atau sudah/pernah kawin).").replace("%1", str(ELIGIBLE_AGE))
            )
            return
        today = self._today()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age < 0:
            set_role(self.eligibility, "error")
            self.eligibility.setText(self.tr("Tanggal lahir setelah hari ini."))
        elif age >= CARD_AGE:
            set_role(self.eligibility, "ok")
            self.eligibility.setText(
                self.tr("✓ Memenuhi syarat: umur %1 tahun.").replace("%1", str(age)))
        elif age >= ELIGIBLE_AGE and status in (None, MaritalStatus.SINGLE.value):
            # recorded from 16; the card itself is printed at 17 (or on marriage)
            set_role(self.eligibility, "ok")
            self.eligibility.setText(
                self.tr("✓ Boleh direkam: umur %1 tahun; KTP-el dicetak mulai umur %2 "
                        "(atau saat kawin).").replace("%1", str(age)).replace("%2", str(CARD_AGE)))
        elif status is None:
            set_role(self.eligibility, "warn")
            self.eligibility.setText(
                self.tr("Umur %1 tahun: hanya memenuhi syarat bila sudah/pernah kawin. "
                        "Isi status perkawinan.").replace("%1", str(age)))
        elif status == MaritalStatus.SINGLE.value:
            set_role(self.eligibility, "error")
            self.eligibility.setText(
                self.tr("✗ Belum memenuhi syarat: umur %1 tahun dan belum kawin.")
                .replace("%1", str(age)))
        else:
            set_role(self.eligibility, "ok")
            self.eligibility.setText(
                self.tr("✓ Memenuhi syarat: umur %1 tahun, sudah/pernah kawin.")
                .replace("%1", str(age)))

    # --- the check -----------------------------------------------------------------------------

    def form_data(self) -> dict[str, object]:
        """The form as the domain expects it; empty fields are left out (= "wajib diisi")."""
        def put(target: dict[str, object], key: str, value: object) -> None:
            if value not in (None, ""):
                target[key] = value

        data: dict[str, object] = {}
        address: dict[str, object] = {}
        put(data, "nik", self.nik.text().strip())
        put(data, "kk_number", self.kk.text().strip())
        put(data, "full_name", self.full_name.text().strip())
        put(data, "place_of_birth", self.place_of_birth.text().strip())
        put(data, "date_of_birth", self.stated_birth_date())
        put(data, "sex", self.sex.currentData())
        put(data, "blood_type", self.blood_type.currentData())
        put(address, "street", self.street.text().strip())
        put(address, "rt", self.rt.text().strip())
        put(address, "rw", self.rw.text().strip())
        put(address, "village_code", self.regions.village_code())
        data["address"] = address
        put(data, "religion", self.religion.currentData())
        put(data, "marital_status", self.marital_status.currentData())
        put(data, "occupation", self.occupation.currentText().strip().upper())
        put(data, "citizenship", self.citizenship.currentData())
        return data

    def _field_of(self, problem: Problem) -> str:
        code = problem.code
        if code.startswith("NIK_"):
            return "nik"
        if code.startswith("KK_"):
            return "kk_number"
        if code == "NOT_ELIGIBLE":
            return "date_of_birth"
        for prefix in ("FIELD_MISSING_", "FIELD_INVALID_"):
            if code.startswith(prefix):
                key = code.removeprefix(prefix).lower()
                return key if key in self._fields else "address"
        return ""

    def check(self) -> Applicant | None:
        """Validate the whole form; show every problem; return the Applicant when all is well."""
        data = self.form_data()
        problems: list[Problem] = []
        if self.date_of_birth.text().strip("-_ ") and self.stated_birth_date() is None:
            problems.append(DATE_INVALID)
            data.pop("date_of_birth", None)
        if data.get("nik"):
            problems.extend(validate_nik(
                str(data["nik"]), birth_date=self.stated_birth_date(), sex=self.stated_sex(),
                today=self._today()).problems)
        if data.get("kk_number"):
            problems.extend(validate_kk(str(data["kk_number"])))
        if self._duplicate is not None:
            problems.append(self._duplicate)
        applicant: Applicant | None = None
        try:
            applicant = parse_applicant(data)
        except RuleViolation as exc:
            problems.extend(exc.problems)
        if applicant is not None:
            problems.extend(eligibility_problems(applicant, self._today()))
        unique: list[Problem] = []
        for p in problems:
            if p not in unique:
                unique.append(p)
        if DATE_INVALID in unique:  # a malformed date is not also a missing one
            unique = [p for p in unique if p.code != "FIELD_MISSING_DATE_OF_BIRTH"]
        self.show_problems(unique)
        if unique:
            self.applicant = None
            return None
        assert applicant is not None
        self.applicant = applicant
        lines = [self.tr("✓ Data kependudukan lengkap dan sah.")]
        if is_domicile_recording(applicant, self.station_region_code):
            lines.append(self.tr("Ditandai sebagai perekaman domisili."))
        self._next_step(lines)
        set_role(self.result, "ok")
        self.result.setText("\n".join(lines))
        self.result.show()
        self._scroll.ensureWidgetVisible(self.result)
        self.demographics_checked.emit(applicant)
        return applicant

    def show_problems(self, problems: Sequence[Problem]) -> None:
        per_field: dict[str, list[str]] = {key: [] for key in self._fields}
        for p in problems:
            key = self._field_of(p)
            # The live NIK box lists the NIK's rule problems; a short NIK is named here.
            if key in per_field and (not p.code.startswith("NIK_") or p.code == "NIK_FORMAT"):
                per_field[key].append(localized(p, self.locale))
        for key, field in self._fields.items():
            if key == "nik":
                # The NIK's border follows its live verdict box; only "wajib diisi" goes here.
                field.error.setText("\n".join(per_field[key]))
                field.error.setVisible(bool(per_field[key]))
                if per_field[key]:
                    set_state(field.widget, "error")
                continue
            field.show_problems(per_field[key])
        if not problems:
            return
        set_role(self.result, "error")
        self.result.setText(
            "\n".join([
                self.tr("Periksa kembali %n isian:", "", len(problems)),
                *(f"• {localized(p, self.locale)}" for p in problems),
            ])
        )
        self.result.show()
        first = next((self._field_of(p) for p in problems if self._field_of(p) in self._fields),
                     None)
        if first:
            self._fields[first].widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def problem_texts(self) -> dict[str, str]:
        """Field key -> the problem text shown under it (for tests and screen readers)."""
        return {k: f.error.text() for k, f in self._fields.items() if f.error.isVisible()}


    # --- clearing ------------------------------------------------------------------------------

    def is_blank(self) -> bool:
        texts = (self.nik, self.kk, self.full_name, self.place_of_birth, self.street, self.rt,
                 self.rw)
        return (
            not any(w.text().strip() for w in texts)
            and not self.date_of_birth.text().strip("-_ ")
            and not self.occupation.currentText().strip()
            and self.sex.currentData() is None
            and self.religion.currentData() is None
            and self.marital_status.currentData() is None
            and self.regions.code_at(2) is None
        )

    def ask_clear(self) -> None:
        if self.is_blank():
            self.clear()
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Formulir baru"))
        box.setText(self.tr("Kosongkan formulir? Isian yang belum disimpan akan hilang."))
        yes = box.addButton(self.tr("Kosongkan"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("Batal"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is yes:
            self.clear()

    def clear(self) -> None:
        for w in (self.nik, self.kk, self.full_name, self.place_of_birth, self.date_of_birth,
                  self.street, self.rt, self.rw):
            w.clear()
        for combo in (self.sex, self.religion, self.marital_status, self.blood_type,
                      self.citizenship):
            combo.setCurrentIndex(0)
        self.occupation.setCurrentIndex(-1)
        self.occupation.setEditText("")
        self.regions.select(self.station_region_code)
        self.regions.clear_below_regency()
        self._autofilled.clear()
        self.show_problems([])
        self.result.hide()
        self.applicant = None
        self.to_capture_button.setEnabled(False)
        self._reset_steps()
        self.update_nik_verdict()
        self.update_eligibility()
        self.nik.setFocus()

    def snapshot(self) -> dict[str, object]:
        """Everything on the form as displayed (what an idle lock must keep)."""
        return {
            "nik": self.nik.text(), "kk": self.kk.text(), "full_name": self.full_name.text(),
            "place_of_birth": self.place_of_birth.text(),
            "date_of_birth": self.date_of_birth.text(), "sex": self.sex.currentData(),
            "blood_type": self.blood_type.currentData(), "street": self.street.text(),
            "rt": self.rt.text(), "rw": self.rw.text(),
            "regions": [self.regions.code_at(i) for i in range(4)],
            "religion": self.religion.currentData(),
            "marital_status": self.marital_status.currentData(),
            "occupation": self.occupation.currentText(),
            "citizenship": self.citizenship.currentData(),
        }

