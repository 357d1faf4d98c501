# ruff: noqa: F811  (pytest fixtures)
"""The demographics form, driven from the keyboard like an operator at the counter."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from station.domain import Applicant, MaritalStatus, Sex, make_nik, regions
from ui.app import setup
from ui.enrollment import EnrollmentPage

TODAY = date(2026, 11, 29)
# A woman born 1 January 1999 in Wonotirto, Kabupaten Blitar (day 01 + 40 = 41).
NIK_WONOTIRTO = "3505084101990001"
KK_BLITAR = "3505080101120003"


@pytest.fixture(autouse=True)
def _patient_type_ahead(qapp):
    """Type-ahead in lists restarts after a pause; on a busy CI machine keep typing one search."""
    interval = QApplication.keyboardInputInterval()
    QApplication.setKeyboardInputInterval(3000)
    yield
    QApplication.setKeyboardInputInterval(interval)


@pytest.fixture
def page(qapp, qtbot) -> EnrollmentPage:
    setup(qapp, "id")
    page = EnrollmentPage(station_region_code="35.05", today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1200, 1000)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=5000)
    return page


def enter(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def answer_next_dialog(button_text: str) -> None:
    """Click `button_text` in the next modal message box (they block in exec())."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)


def test_the_nik_verdict_updates_as_the_operator_types(page, qtbot):
    assert page.nik_verdict.text().startswith("Ketik NIK")
    qtbot.keyClicks(page.nik, NIK_WONOTIRTO[:6])
    assert page.nik_verdict.text() == "6 dari 16 digit"
    assert page.nik_verdict.property("role") == "neutral"
    qtbot.keyClicks(page.nik, "abc")  # letters are refused by the field
    assert page.nik.text() == NIK_WONOTIRTO[:6]
    qtbot.keyClicks(page.nik, NIK_WONOTIRTO[6:])
    assert page.nik_verdict.property("role") == "ok"
    assert page.nik_verdict.text() == (
        "✓ NIK sah.\n"
        "Dari NIK: lahir 01-01-1999 · PEREMPUAN · Wonotirto, Kabupaten Blitar, Jawa Timur"
    )
    assert page.nik.property("state") == "ok"
    # Birth date and sex are filled from the NIK for the operator to compare with the KK.
    assert page.date_of_birth.text() == "01-01-1999"
    assert page.sex.currentData() == "P"
    assert not page.domicile.isVisible()
    assert page.eligibility.text() == "✓ Memenuhi syarat: umur 27 tahun."


def test_every_nik_problem_is_named_in_indonesian(page, qtbot):
    qtbot.keyClicks(page.nik, "9900002213990000")
    assert page.nik_verdict.property("role") == "error"
    text = page.nik_verdict.text()
    assert text.splitlines()[:6] == [
        "✗ NIK bermasalah:",
        "• Kode provinsi 99 pada NIK tidak dikenal.",
        "• Kode kabupaten/kota pada NIK (digit 3-4) tidak boleh 00.",
        "• Kode kecamatan pada NIK (digit 5-6) tidak boleh 00.",
        "• Bulan lahir pada NIK (13) harus 01-12.",
        "• Nomor urut pada NIK (4 digit terakhir) harus 0001-9999.",
    ]
    assert page.nik.property("state") == "error"
    assert page.date_of_birth.text().strip("-_ ") == ""  # nothing filled from a bad NIK


def test_stated_sex_and_birth_date_are_checked_against_the_nik(page, qtbot):
    qtbot.keyClicks(page.nik, NIK_WONOTIRTO)
    assert page.nik_verdict.property("role") == "ok"
    page.sex.setFocus()
    qtbot.keyClicks(page.sex, "L")  # type-ahead picks LAKI-LAKI
    assert page.sex.currentData() == "L"
    assert page.nik_verdict.property("role") == "error"
    assert ("• NIK menunjukkan jenis kelamin PEREMPUAN (tanggal 41-71), tetapi yang diisi "
            "LAKI-LAKI.") in page.nik_verdict.text()
    qtbot.keyClick(page.sex, Qt.Key.Key_Down)  # the next entry: PEREMPUAN
    assert page.sex.currentData() == "P"
    assert page.nik_verdict.property("role") == "ok"
    page.date_of_birth.selectAll()
    qtbot.keyClicks(page.date_of_birth, "02011999")  # the mask adds the dashes
    assert page.date_of_birth.text() == "02-01-1999"
    assert ("• Tanggal lahir pada NIK (01-01-99) tidak sama dengan tanggal lahir yang diisi "
            "(02-01-1999).") in page.nik_verdict.text()


def test_a_nik_from_another_regency_is_valid_but_flagged_as_domicile(page, qtbot):
    qtbot.keyClicks(page.nik, "3578014101990001")  # Kota Surabaya
    assert page.nik_verdict.property("role") == "ok"
    assert page.domicile.isVisible()
    assert page.domicile.text() == (
        "Perekaman domisili: NIK ini terbit di Kota Surabaya, di luar wilayah stasiun "
        "(Kabupaten Blitar). Boleh direkam; rekaman ditandai sebagai domisili."
    )
    assert page.domicile.property("role") == "warn"


def test_region_pickers_cascade_from_the_station_regency(page, qtbot):
    picker = page.regions
    assert picker.province.currentText() == "Jawa Timur"
    assert picker.regency.currentText() == "Kabupaten Blitar"
    assert picker.district.currentData() is None and picker.district.isEnabled()
    assert picker.district.count() == 1 + 22  # the placeholder and Blitar's 22 kecamatan
    assert not picker.village.isEnabled()

    picker.district.setFocus()
    qtbot.keyClicks(picker.district, "Wonot")
    assert picker.district.currentText() == "Wonotirto"
    villages = [picker.village.itemText(i) for i in range(1, picker.village.count())]
    assert villages == [r.name for r in regions.children("35.05.08")]
    assert picker.village.isEnabled()
    picker.village.setCurrentIndex(1)
    assert picker.village_code() == regions.children("35.05.08")[0].code

    # Another regency: the kecamatan and desa choices below it are cleared.
    picker.regency.setCurrentIndex(picker.regency.findData("35.72"))  # Kota Blitar
    assert picker.district.currentData() is None
    assert picker.village_code() is None and not picker.village.isEnabled()
    assert [picker.district.itemData(i) for i in range(1, picker.district.count())] == [
        r.code for r in regions.children("35.72")
    ]
    # Another province refills the regencies.
    picker.province.setCurrentIndex(picker.province.findData("11"))
    assert picker.regency.currentData() is None
    assert picker.regency.itemData(1).startswith("11.")
    assert not picker.district.isEnabled()


def test_checking_an_empty_form_names_every_missing_field_and_focuses_the_first(page, qtbot):
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.result.property("role") == "error"
    shown = page.problem_texts()
    assert shown == {
        "nik": "NIK: wajib diisi",
        "kk_number": "Nomor KK: wajib diisi",
        "full_name": "Nama lengkap: wajib diisi",
        "place_of_birth": "Tempat lahir: wajib diisi",
        "date_of_birth": "Tanggal lahir: wajib diisi",
        "sex": "Jenis kelamin: wajib diisi",
        "street": "Alamat (jalan): wajib diisi",
        "rt": "RT: wajib diisi",
        "rw": "RW: wajib diisi",
        "village_code": "Desa/kelurahan: wajib diisi",
        "religion": "Agama: wajib diisi",
        "marital_status": "Status perkawinan: wajib diisi",
        "occupation": "Pekerjaan: wajib diisi",
    }
    assert page.result.text().splitlines()[0] == "Periksa kembali 13 isian:"
    assert page.nik.hasFocus()
    assert page.full_name.property("state") == "error"
    assert page.applicant is None


def _fill_by_keyboard(page: EnrollmentPage, qtbot, *, nik: str = NIK_WONOTIRTO,
                      marital: str = "K") -> None:
    """The whole form from the keyboard: type, Enter to move on, type-ahead in the lists."""
    page.nik.setFocus()
    qtbot.keyClicks(page.nik, nik)
    enter(qtbot, page.nik)
    assert page.kk.hasFocus()
    qtbot.keyClicks(page.kk, KK_BLITAR)
    enter(qtbot, page.kk)
    qtbot.keyClicks(page.full_name, "siti aminah")
    enter(qtbot, page.full_name)
    qtbot.keyClicks(page.place_of_birth, "blitar")
    enter(qtbot, page.place_of_birth)
    assert page.date_of_birth.hasFocus()  # already filled from the NIK
    enter(qtbot, page.date_of_birth)
    assert page.sex.hasFocus()
    enter(qtbot, page.sex)
    qtbot.keyClicks(page.blood_type, "O")
    enter(qtbot, page.blood_type)
    qtbot.keyClicks(page.street, "dusun krajan")
    enter(qtbot, page.street)
    qtbot.keyClicks(page.rt, "2")
    enter(qtbot, page.rt)
    qtbot.keyClicks(page.rw, "5")
    enter(qtbot, page.rw)
    assert page.regions.province.hasFocus()
    enter(qtbot, page.regions.province)
    enter(qtbot, page.regions.regency)
    qtbot.keyClicks(page.regions.district, "Wonot")
    enter(qtbot, page.regions.district)
    assert page.regions.village.hasFocus()
    first_village = regions.children("35.05.08")[0].name
    qtbot.keyClicks(page.regions.village, first_village[:4])
    enter(qtbot, page.regions.village)
    qtbot.keyClicks(page.religion, "I")
    enter(qtbot, page.religion)
    qtbot.keyClicks(page.marital_status, marital)
    enter(qtbot, page.marital_status)
    assert page.occupation.hasFocus()
    qtbot.keyClicks(page.occupation, "petani")
    popup = page.occupation.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)  # the list of matching occupations
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # picks "PETANI/PEKEBUN"
    assert not popup.isVisible()
    enter(qtbot, page.occupation)
    assert page.citizenship.hasFocus()


def test_a_complete_form_passes_the_check_with_enter_on_the_last_field(page, qtbot):
    _fill_by_keyboard(page, qtbot)
    with qtbot.waitSignal(page.demographics_checked, timeout=2000) as checked:
        enter(qtbot, page.citizenship)  # Enter on the last field runs the check
    applicant = checked.args[0]
    assert isinstance(applicant, Applicant)
    assert applicant.nik == NIK_WONOTIRTO
    assert applicant.full_name == "SITI AMINAH"
    assert applicant.place_of_birth == "BLITAR"
    assert applicant.date_of_birth == date(1999, 1, 1)
    assert applicant.sex is Sex.FEMALE
    assert applicant.blood_type.value == "O"
    assert applicant.address.street == "DUSUN KRAJAN"
    assert (page.rt.text(), page.rw.text()) == ("002", "005")  # padded when leaving the field
    assert (applicant.address.rt, applicant.address.rw) == ("002", "005")
    assert applicant.address.village_code == regions.children("35.05.08")[0].code
    assert applicant.religion.value == "ISLAM"
    assert applicant.marital_status is MaritalStatus.MARRIED
    assert applicant.occupation == "PETANI/PEKEBUN"
    assert applicant.citizenship.value == "WNI"
    assert page.result.property("role") == "ok"
    assert page.result.text().startswith("✓ Data kependudukan lengkap dan sah.")
    assert "belum disimpan" in page.result.text()
    assert page.problem_texts() == {}
    # Any edit makes the verdict stale.
    qtbot.keyClicks(page.full_name, "X")
    assert not page.result.isVisible() and page.applicant is None


def test_ctrl_enter_checks_from_any_field(page, qtbot):
    qtbot.keyClicks(page.nik, NIK_WONOTIRTO)
    qtbot.keyClick(page.nik, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.result.isVisible()
    assert page.result.property("role") == "error"
    assert "nik" not in page.problem_texts()
    assert page.kk.hasFocus()  # the first field with a problem


def test_an_under_age_single_applicant_is_not_eligible(page, qtbot):
    nik = make_nik("35.05.08", date(2011, 5, 1), Sex.MALE, 12)
    _fill_by_keyboard(page, qtbot, nik=nik, marital="B")  # BELUM KAWIN
    assert page.eligibility.property("role") == "error"
    assert page.eligibility.text() == "✗ Belum memenuhi syarat: umur 15 tahun dan belum kawin."
    assert page.check() is None
    assert page.problem_texts()["date_of_birth"] == (
        "Pemohon belum berumur 16 tahun dan belum pernah kawin; perekaman KTP-el dimulai pada "
        "ulang tahun ke-16."
    )
    # Married people are eligible at any age.
    page.marital_status.setCurrentIndex(page.marital_status.findData("KAWIN"))
    assert page.eligibility.text() == "✓ Memenuhi syarat: umur 15 tahun, sudah/pernah kawin."
    assert page.check() is not None


def test_a_sixteen_year_old_is_recorded_and_told_when_the_card_is_printed(page, qtbot):
    nik = make_nik("35.05.08", date(2010, 5, 1), Sex.MALE, 12)
    _fill_by_keyboard(page, qtbot, nik=nik, marital="B")  # BELUM KAWIN, 16 on TODAY
    assert page.eligibility.property("role") == "ok"
    assert page.eligibility.text() == (
        "✓ Boleh direkam: umur 16 tahun; KTP-el dicetak mulai umur 17 (atau saat kawin).")
    assert page.check() is not None


def test_field_rules_speak_the_operators_language(page, qtbot):
    qtbot.keyClicks(page.kk, "9912345678901234")
    assert page.problem_texts()["kk_number"] == "Kode provinsi 99 pada nomor KK tidak dikenal."
    qtbot.keyClicks(page.rt, "0")
    qtbot.keyClicks(page.full_name, "siti 2")
    qtbot.keyClicks(page.date_of_birth, "31021999")
    page.check()
    shown = page.problem_texts()
    assert shown["rt"] == "RT: RT/RW harus angka 001-999"
    assert shown["full_name"] == (
        "Nama lengkap: nama hanya boleh berisi huruf, spasi, titik, koma, apostrof dan tanda "
        "hubung"
    )
    assert shown["date_of_birth"] == (
        "Tanggal lahir: isi dengan format HH-BB-TTTT, misalnya 31-12-1990."
    )


def test_english_locale_shows_the_english_half_of_each_message(qapp, qtbot):
    setup(qapp, "en")
    try:
        page = EnrollmentPage(station_region_code="35.05", locale="en", today=lambda: TODAY)
        qtbot.addWidget(page)
        page.show()
        assert page.check_button.text() == "Check data  (Ctrl+Enter)"
        qtbot.keyClicks(page.rt, "0")
        page.check()
        assert page.problem_texts()["rt"] == "RT: RT and RW must be numbers 001-999"
        assert page.problem_texts()["full_name"] == "Full name: required"
        qtbot.keyClicks(page.nik, "35050841019900")
        assert page.nik_verdict.text() == "14 of 16 digits"
    finally:
        setup(qapp, "id")


def test_new_form_asks_before_discarding_and_clears_only_when_confirmed(page, qtbot):
    qtbot.keyClicks(page.nik, NIK_WONOTIRTO)
    qtbot.keyClicks(page.full_name, "siti")
    answer_next_dialog("Batal")
    qtbot.keyClick(page.full_name, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert page.full_name.text() == "SITI"
    answer_next_dialog("Kosongkan")
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.is_blank()
    assert page.nik.text() == "" and page.date_of_birth.text().strip("-_ ") == ""
    assert page.regions.regency.currentText() == "Kabupaten Blitar"
    assert page.focusWidget() is page.nik  # focused once the dialog has given focus back
