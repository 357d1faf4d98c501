<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="id">
<context>
    <name>App</name>
    <message>
        <source>Kesalahan</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Terjadi kesalahan tak terduga (%1). Isian di layar tidak hilang. Rinciannya tercatat di log stasiun.</source>
        <translation>An unexpected error occurred (%1). The data on screen is kept. The details are in the station log.</translation>
    </message>
    <message>
        <source>Tutup</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>EnrollmentPage</name>
    <message>
        <source>Perekaman KTP-el</source>
        <translation>KTP-el recording</translation>
    </message>
    <message>
        <source>Identitas</source>
        <translation>Identity</translation>
    </message>
    <message>
        <source>16 digit, misalnya 3505014101990001</source>
        <translation>16 digits, for example 3505014101990001</translation>
    </message>
    <message>
        <source>16 digit nomor Kartu Keluarga</source>
        <translation>the 16-digit family card number</translation>
    </message>
    <message>
        <source>N&amp;IK</source>
        <translation>N&amp;IK</translation>
    </message>
    <message>
        <source>Nomor &amp;KK</source>
        <translation>Family card number (&amp;KK)</translation>
    </message>
    <message>
        <source>Nama &amp;lengkap</source>
        <translation>Full &amp;name</translation>
    </message>
    <message>
        <source>HH-BB-TTTT, misalnya 31-12-1990</source>
        <translation>DD-MM-YYYY, for example 31-12-1990</translation>
    </message>
    <message>
        <source>&amp;Tempat lahir</source>
        <translation>Place of &amp;birth</translation>
    </message>
    <message>
        <source>Tan&amp;ggal lahir (HH-BB-TTTT)</source>
        <translation>&amp;Date of birth (DD-MM-YYYY)</translation>
    </message>
    <message>
        <source>— pilih —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <source>LAKI-LAKI</source>
        <translation>MALE</translation>
    </message>
    <message>
        <source>PEREMPUAN</source>
        <translation>FEMALE</translation>
    </message>
    <message>
        <source>- (tidak tahu)</source>
        <translation>- (unknown)</translation>
    </message>
    <message>
        <source>Jenis kela&amp;min</source>
        <translation>&amp;Sex</translation>
    </message>
    <message>
        <source>Golongan dara&amp;h</source>
        <translation>Blood t&amp;ype</translation>
    </message>
    <message>
        <source>Alamat</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Jalan, dusun atau lingkungan</source>
        <translation>Street, hamlet or neighbourhood</translation>
    </message>
    <message>
        <source>Alamat (&amp;jalan)</source>
        <translation>Street &amp;address</translation>
    </message>
    <message>
        <source>&amp;RT</source>
        <translation>&amp;RT</translation>
    </message>
    <message>
        <source>R&amp;W</source>
        <translation>R&amp;W</translation>
    </message>
    <message>
        <source>Data lain</source>
        <translation>Other details</translation>
    </message>
    <message>
        <source>&amp;Agama</source>
        <translation>R&amp;eligion</translation>
    </message>
    <message>
        <source>&amp;Status perkawinan</source>
        <translation>&amp;Marital status</translation>
    </message>
    <message>
        <source>ketik untuk mencari</source>
        <translation>type to search</translation>
    </message>
    <message>
        <source>WNI (Warga Negara Indonesia)</source>
        <translation>WNI (Indonesian citizen)</translation>
    </message>
    <message>
        <source>WNA (Warga Negara Asing)</source>
        <translation>WNA (foreign national)</translation>
    </message>
    <message>
        <source>&amp;Pekerjaan</source>
        <translation>&amp;Occupation</translation>
    </message>
    <message>
        <source>Kewarga&amp;negaraan</source>
        <translation>&amp;Citizenship</translation>
    </message>
    <message>
        <source>Ringkasan</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>Formulir baru</source>
        <translation>New form</translation>
    </message>
    <message>
        <source>Kosongkan formulir (Ctrl+Shift+N)</source>
        <translation>Clear the form (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <source>Periksa data  (Ctrl+Enter)</source>
        <translation>Check data  (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>1  Data kependudukan</source>
        <translation>1  Demographics</translation>
    </message>
    <message>
        <source>2  Foto wajah</source>
        <translation>2  Face photo</translation>
    </message>
    <message>
        <source>3  Sidik jari</source>
        <translation>3  Fingerprints</translation>
    </message>
    <message>
        <source>4  Tanda tangan</source>
        <translation>4  Signature</translation>
    </message>
    <message>
        <source>5  Periksa &amp; simpan</source>
        <translation>5  Review &amp; save</translation>
    </message>
    <message>
        <source>Menyusul pada versi berikutnya</source>
        <translation>Coming in a later version</translation>
    </message>
    <message>
        <source>Langkah 2–5 menyusul pada versi berikutnya.</source>
        <translation>Steps 2–5 come in a later version.</translation>
    </message>
    <message numerus="yes">
        <source>%n dari 16 digit</source>
        <translation>
            <numerusform>%n of 16 digit</numerusform>
            <numerusform>%n of 16 digits</numerusform>
        </translation>
    </message>
    <message>
        <source>Ketik NIK: tanggal lahir, jenis kelamin dan wilayahnya akan ditampilkan di sini.</source>
        <translation>Type the NIK: its birth date, sex and region will be shown here.</translation>
    </message>
    <message>
        <source>lahir %1</source>
        <translation>born %1</translation>
    </message>
    <message>
        <source>wilayah %1</source>
        <translation>region %1</translation>
    </message>
    <message>
        <source>Dari NIK: %1</source>
        <translation>From the NIK: %1</translation>
    </message>
    <message>
        <source>✓ NIK sah.</source>
        <translation>✓ Valid NIK.</translation>
    </message>
    <message>
        <source>✗ NIK bermasalah:</source>
        <translation>✗ The NIK has problems:</translation>
    </message>
    <message>
        <source>Perekaman domisili: NIK ini terbit di %1, di luar wilayah stasiun (%2). Boleh direkam; rekaman ditandai sebagai domisili.</source>
        <translation>Domicile recording: this NIK was issued in %1, outside the station&apos;s region (%2). It may be recorded; the record is marked as a domicile recording.</translation>
    </message>
    <message>
        <source>Syarat umur: diperiksa setelah tanggal lahir diisi (minimal %1 tahun, atau sudah/pernah kawin).</source>
        <translation>Age requirement: checked once the date of birth is entered (at least %1 years, or married now or before).</translation>
    </message>
    <message>
        <source>Tanggal lahir setelah hari ini.</source>
        <translation>The date of birth is after today.</translation>
    </message>
    <message>
        <source>✓ Memenuhi syarat: umur %1 tahun.</source>
        <translation>✓ Eligible: aged %1.</translation>
    </message>
    <message>
        <source>Umur %1 tahun: hanya memenuhi syarat bila sudah/pernah kawin. Isi status perkawinan.</source>
        <translation>Aged %1: eligible only if married now or before. Enter the marital status.</translation>
    </message>
    <message>
        <source>✗ Belum memenuhi syarat: umur %1 tahun dan belum kawin.</source>
        <translation>✗ Not yet eligible: aged %1 and never married.</translation>
    </message>
    <message>
        <source>✓ Memenuhi syarat: umur %1 tahun, sudah/pernah kawin.</source>
        <translation>✓ Eligible: aged %1, married now or before.</translation>
    </message>
    <message>
        <source>✓ Data kependudukan lengkap dan sah.</source>
        <translation>✓ The demographics are complete and valid.</translation>
    </message>
    <message>
        <source>Ditandai sebagai perekaman domisili.</source>
        <translation>Marked as a domicile recording.</translation>
    </message>
    <message>
        <source>Langkah berikutnya (foto wajah, sidik jari, tanda tangan) belum tersedia di versi ini; data ini belum disimpan.</source>
        <translation>The next steps (face photo, fingerprints, signature) are not available in this version yet; this data has not been saved.</translation>
    </message>
    <message numerus="yes">
        <source>Periksa kembali %n isian:</source>
        <translation>
            <numerusform>Please check %n entry:</numerusform>
            <numerusform>Please check %n entries:</numerusform>
        </translation>
    </message>
    <message>
        <source>Kosongkan formulir? Isian yang belum disimpan akan hilang.</source>
        <translation>Clear the form? Entries that have not been saved will be lost.</translation>
    </message>
    <message>
        <source>Kosongkan</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>LockPage</name>
    <message>
        <source>Stasiun terkunci</source>
        <translation>Station locked</translation>
    </message>
    <message>
        <source>Isian formulir yang belum selesai tetap tersimpan dan muncul kembali setelah dibuka.</source>
        <translation>The unfinished form is kept and comes back once the station is unlocked.</translation>
    </message>
    <message>
        <source>&amp;Kata sandi</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>Buka kunci</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>Keluar (ganti operator)</source>
        <translation>Sign out (change operator)</translation>
    </message>
    <message>
        <source>Dikunci pukul %1. Hanya %2 (%3) yang dapat membukanya.</source>
        <translation>Locked at %1. Only %2 (%3) can unlock it.</translation>
    </message>
    <message>
        <source>Memeriksa kata sandi…</source>
        <translation>Checking the password…</translation>
    </message>
    <message>
        <source>Isi kata sandi.</source>
        <translation>Enter the password.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Rekam — Perekaman KTP-el</source>
        <translation>Rekam — KTP-el recording</translation>
    </message>
    <message>
        <source>Rekam</source>
        <translation>Rekam</translation>
    </message>
    <message>
        <source>Perekaman KTP-el</source>
        <translation>KTP-el recording</translation>
    </message>
    <message>
        <source>Perekaman</source>
        <translation>Recording</translation>
    </message>
    <message>
        <source>Ctrl+Enter periksa · Enter isian berikut
Ctrl+L kunci stasiun</source>
        <translation>Ctrl+Enter check · Enter next field
Ctrl+L lock the station</translation>
    </message>
    <message>
        <source>Kunci (Ctrl+L)</source>
        <translation>Lock (Ctrl+L)</translation>
    </message>
    <message>
        <source>Keluar</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Memproses…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>Stasiun %1 · %2</source>
        <translation>Station %1 · %2</translation>
    </message>
    <message>
        <source>Pemeriksaan NIK ganda tidak dapat dilakukan: %1</source>
        <translation>The duplicate NIK check could not be done: %1</translation>
    </message>
    <message>
        <source>Operator: %1 (%2)</source>
        <translation>Operator: %1 (%2)</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>operator</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>supervisor</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>admin</translation>
    </message>
    <message>
        <source>Kesalahan tak terduga: %1. Rinciannya tercatat di log stasiun; hubungi petugas TI bila berulang.</source>
        <translation>Unexpected error: %1. The details are in the station log; call IT staff if it happens again.</translation>
    </message>
    <message>
        <source>Keluar sekarang? Isian formulir yang belum disimpan akan dibuang.</source>
        <translation>Sign out now? Form entries that have not been saved will be discarded.</translation>
    </message>
    <message>
        <source>Keluar dan buang isian</source>
        <translation>Sign out and discard</translation>
    </message>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Tutup Rekam</source>
        <translation>Close Rekam</translation>
    </message>
    <message>
        <source>Tutup Rekam? Isian formulir yang belum disimpan akan dibuang.</source>
        <translation>Close Rekam? Form entries that have not been saved will be discarded.</translation>
    </message>
    <message>
        <source>Tutup dan buang isian</source>
        <translation>Close and discard</translation>
    </message>
</context>
<context>
    <name>RegionPicker</name>
    <message>
        <source>— pilih provinsi —</source>
        <translation>— choose a province —</translation>
    </message>
    <message>
        <source>— pilih kabupaten/kota —</source>
        <translation>— choose a regency/city —</translation>
    </message>
    <message>
        <source>— pilih kecamatan —</source>
        <translation>— choose a district (kecamatan) —</translation>
    </message>
    <message>
        <source>— pilih desa/kelurahan —</source>
        <translation>— choose a village (desa/kelurahan) —</translation>
    </message>
    <message>
        <source>Pro&amp;vinsi</source>
        <translation>Pro&amp;vince</translation>
    </message>
    <message>
        <source>Ka&amp;bupaten/kota</source>
        <translation>Re&amp;gency/city</translation>
    </message>
    <message>
        <source>K&amp;ecamatan</source>
        <translation>Dis&amp;trict (kecamatan)</translation>
    </message>
    <message>
        <source>&amp;Desa/kelurahan</source>
        <translation>Vi&amp;llage (desa/kelurahan)</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Rekam</source>
        <translation>Rekam</translation>
    </message>
    <message>
        <source>Stasiun perekaman KTP-el</source>
        <translation>KTP-el recording station</translation>
    </message>
    <message>
        <source>Masuk diperiksa di stasiun ini: tidak perlu jaringan.</source>
        <translation>Sign-in is checked on this station: no network needed.</translation>
    </message>
    <message>
        <source>misalnya siti.rahma</source>
        <translation>for example siti.rahma</translation>
    </message>
    <message>
        <source>&amp;Nama pengguna</source>
        <translation>&amp;Username</translation>
    </message>
    <message>
        <source>&amp;Kata sandi</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>Masuk</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Mode demo — akun latihan:</source>
        <translation>Demo mode — practice accounts:</translation>
    </message>
    <message>
        <source>Memeriksa kata sandi…</source>
        <translation>Checking the password…</translation>
    </message>
    <message>
        <source>Isi nama pengguna.</source>
        <translation>Enter the username.</translation>
    </message>
    <message>
        <source>Isi kata sandi.</source>
        <translation>Enter the password.</translation>
    </message>
</context>
</TS>
