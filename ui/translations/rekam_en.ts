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
    <name>Dashboard</name>
    <message>
        <source>Pilih media tujuan ekspor</source>
        <translation>Choose the export media</translation>
    </message>
    <message>
        <source>Pilih berkas tanda terima</source>
        <translation>Choose the receipt file</translation>
    </message>
    <message>
        <source>Tanda terima (*.json *.receipts *.rcpt);;Semua berkas (*)</source>
        <translation>Receipts (*.json *.receipts *.rcpt);;All files (*)</translation>
    </message>
    <message>
        <source>Dasbor</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Muat ulang</source>
        <translation>Reload</translation>
    </message>
    <message>
        <source>Hari ini</source>
        <translation>Today</translation>
    </message>
    <message>
        <source> / hari</source>
        <translation> / day</translation>
    </message>
    <message>
        <source>Simpan target</source>
        <translation>Save target</translation>
    </message>
    <message>
        <source>Antrean menurut status</source>
        <translation>Queue by status</translation>
    </message>
    <message>
        <source>Sinkronisasi</source>
        <translation>Synchronisation</translation>
    </message>
    <message>
        <source>Segel &amp;&amp; kirim sekarang</source>
        <translation>Seal &amp;&amp; send now</translation>
    </message>
    <message>
        <source>Ekspor ke media…</source>
        <translation>Export to media…</translation>
    </message>
    <message>
        <source>Impor tanda terima…</source>
        <translation>Import receipts…</translation>
    </message>
    <message>
        <source>Rekaman</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>Per jam hari ini</source>
        <translation>Per hour today</translation>
    </message>
    <message>
        <source>Per hari, 14 hari terakhir</source>
        <translation>Per day, last 14 days</translation>
    </message>
    <message>
        <source>Belum ada rekaman pada rentang ini.</source>
        <translation>No records in this range yet.</translation>
    </message>
    <message>
        <source>%1 dari target %2 per hari (%3%)</source>
        <translation>%1 of the target of %2 per day (%3%)</translation>
    </message>
    <message>
        <source>pengaturan target %1 tidak sah; memakai %2</source>
        <translation>the target setting %1 is invalid; using %2</translation>
    </message>
    <message>
        <source>Diperbarui %1</source>
        <translation>Updated %1</translation>
    </message>
    <message>
        <source>Sinkronisasi tidak tersedia di jendela ini.</source>
        <translation>Synchronisation is not available in this window.</translation>
    </message>
    <message>
        <source>Status sinkronisasi tidak terbaca: %1</source>
        <translation>The sync status cannot be read: %1</translation>
    </message>
    <message>
        <source>Memeriksa…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>Stasiun belum diarahkan ke server penerima. Petugas TI menjalankan `rekam provision`; sementara itu rekaman dapat dikirim lewat media (ekspor).</source>
        <translation>The station is not pointed at a receiver yet. IT staff run `rekam provision`; meanwhile records can travel on removable media (export).</translation>
    </message>
    <message>
        <source>Gagal: %1</source>
        <translation>Failed: %1</translation>
    </message>
    <message>
        <source>%1 rekaman menunggu dikirim.</source>
        <translation>%1 records waiting to be sent.</translation>
    </message>
    <message>
        <source>Semua rekaman tersegel sudah terkirim.</source>
        <translation>Every sealed record has been delivered.</translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <source>Terakhir berhasil: %1</source>
        <translation>Last success: %1</translation>
    </message>
    <message>
        <source>belum pernah</source>
        <translation>never</translation>
    </message>
    <message>
        <source>percobaan terakhir %1</source>
        <translation>last attempt %1</translation>
    </message>
    <message>
        <source>%1 kali gagal berturut-turut</source>
        <translation>%1 failures in a row</translation>
    </message>
    <message>
        <source>dicoba lagi dalam ±%1 detik</source>
        <translation>next try in about %1 s</translation>
    </message>
    <message>
        <source>Menyegel rekaman yang disetujui…</source>
        <translation>Sealing the approved records…</translation>
    </message>
    <message>
        <source>%1 rekaman disegel.</source>
        <translation>%1 records sealed.</translation>
    </message>
    <message>
        <source>%1 gagal: %2</source>
        <translation>%1 failed: %2</translation>
    </message>
    <message>
        <source>Pengiriman gagal: %1</source>
        <translation>Delivery failed: %1</translation>
    </message>
    <message>
        <source>Pengiriman selesai.</source>
        <translation>Delivery finished.</translation>
    </message>
    <message>
        <source>Pengiriman berjalan di latar belakang.</source>
        <translation>Delivery runs in the background.</translation>
    </message>
    <message>
        <source>Menulis batch ke %1…</source>
        <translation>Writing the batch to %1…</translation>
    </message>
    <message>
        <source>Tidak ada paket tersegel yang perlu diekspor.</source>
        <translation>No sealed packets need exporting.</translation>
    </message>
    <message>
        <source>%1 paket ditulis ke %2 berkas: %3. Bawa media ke server pusat, lalu impor tanda terimanya.</source>
        <translation>%1 packets written to %2 files: %3. Take the media to the central server, then import its receipts.</translation>
    </message>
    <message>
        <source>Memeriksa tanda terima %1…</source>
        <translation>Checking the receipts %1…</translation>
    </message>
    <message>
        <source>Berkas %1 tidak dapat dibaca: %2</source>
        <translation>The file %1 cannot be read: %2</translation>
    </message>
    <message>
        <source>%1 tanda terima diterapkan, %2 sudah diterapkan sebelumnya.</source>
        <translation>%1 receipts applied, %2 applied before.</translation>
    </message>
    <message>
        <source>%1 bukan milik stasiun ini (diabaikan).</source>
        <translation>%1 do not belong to this station (ignored).</translation>
    </message>
</context>
<context>
    <name>DemographicsForm</name>
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
        <source>Lanjut: foto wajah  (Ctrl+→)</source>
        <translation>Next: face photo  (Ctrl+→)</translation>
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
        <source>✓ Boleh direkam: umur %1 tahun; KTP-el dicetak mulai umur %2 (atau saat kawin).</source>
        <translation>✓ May be recorded: aged %1; the KTP-el is printed from age %2 (or on marriage).</translation>
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
    <name>DevicePicker</name>
    <message>
        <source>Perangkat</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>Cari ulang</source>
        <translation>Rescan</translation>
    </message>
    <message>
        <source>— tidak ada perangkat; periksa sambungan lalu &quot;Cari ulang&quot; —</source>
        <translation>— no device; check the connection, then &quot;Rescan&quot; —</translation>
    </message>
</context>
<context>
    <name>EnrollmentPage</name>
    <message>
        <source>Perekaman KTP-el</source>
        <translation>KTP-el recording</translation>
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
    <message>
        <source>Langkah berikutnya (foto wajah, sidik jari, tanda tangan) belum tersedia di versi ini; data ini belum disimpan.</source>
        <translation>The next steps (face photo, fingerprints, signature) are not available in this version yet; this data has not been saved.</translation>
    </message>
    <message>
        <source>Lanjutkan ke foto wajah (Ctrl+→); data belum disimpan.</source>
        <translation>Continue to the face photo (Ctrl+→); nothing is saved yet.</translation>
    </message>
    <message>
        <source>✓ Rekaman tersimpan (nomor %1). Formulir siap untuk pemohon berikutnya.</source>
        <translation>✓ Record saved (number %1). The form is ready for the next applicant.</translation>
    </message>
</context>
<context>
    <name>ExceptionDialog</name>
    <message>
        <source>Tidak ada (amputasi/cacat)</source>
        <translation>Missing (amputated/malformed)</translation>
    </message>
    <message>
        <source>Diperban / terluka</source>
        <translation>Bandaged / injured</translation>
    </message>
    <message>
        <source>Tidak dapat direkam</source>
        <translation>Unable to capture</translation>
    </message>
    <message>
        <source>keterangan (boleh kosong)</source>
        <translation>note (optional)</translation>
    </message>
    <message>
        <source>Alasan</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Keterangan</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>FaceStep</name>
    <message>
        <source>2  Foto wajah</source>
        <translation>2  Face photo</translation>
    </message>
    <message>
        <source>Minta pemohon duduk tegak menghadap kamera, tanpa kacamata gelap atau penutup kepala yang menutupi wajah. Tekan Spasi untuk memotret bila panduan menunjukkan ✓.</source>
        <translation>Ask the applicant to sit upright facing the camera, without dark glasses or headwear covering the face. Press Space to take the photo when the guidance shows ✓.</translation>
    </message>
    <message>
        <source>Menyiapkan kamera…</source>
        <translation>Preparing the camera…</translation>
    </message>
    <message>
        <source>Foto 3:4
muncul di sini</source>
        <translation>The 3:4 photo
appears here</translation>
    </message>
    <message>
        <source>Ambil foto  (Spasi)</source>
        <translation>Take photo  (Space)</translation>
    </message>
    <message>
        <source>Latar belakang: MERAH (tahun lahir %1 ganjil)</source>
        <translation>Backdrop: RED (birth year %1 is odd)</translation>
    </message>
    <message>
        <source>Latar belakang: BIRU (tahun lahir %1 genap)</source>
        <translation>Backdrop: BLUE (birth year %1 is even)</translation>
    </message>
    <message>
        <source>✓ Posisi baik — tekan Spasi untuk memotret.</source>
        <translation>✓ Good position — press Space to take the photo.</translation>
    </message>
    <message>
        <source>Memotret…</source>
        <translation>Taking the photo…</translation>
    </message>
    <message>
        <source>Memeriksa foto…</source>
        <translation>Checking the photo…</translation>
    </message>
    <message>
        <source>✗ Foto belum memenuhi syarat; perbaiki lalu potret lagi (Spasi):</source>
        <translation>✗ The photo does not meet the requirements yet; correct it and take it again (Space):</translation>
    </message>
    <message>
        <source>✓ Foto diterima. Enter untuk lanjut ke sidik jari, Spasi untuk memotret ulang.</source>
        <translation>✓ Photo accepted. Enter to go on to the fingerprints, Space to take it again.</translation>
    </message>
    <message>
        <source>Perangkat ini tidak punya pratinjau langsung; tekan Spasi untuk merekam.</source>
        <translation>This device has no live preview; press Space to capture.</translation>
    </message>
    <message>
        <source>✗ Kamera: %1
Foto yang sudah diterima tetap tersimpan di formulir. Periksa kamera lalu tekan Spasi untuk mencoba lagi.</source>
        <translation>✗ Camera: %1
A photo already accepted stays with the form. Check the camera, then press Space to try again.</translation>
    </message>
    <message>
        <source>Kamera tidak tersedia</source>
        <translation>Camera not available</translation>
    </message>
</context>
<context>
    <name>FingerStep</name>
    <message>
        <source>3  Sidik jari</source>
        <translation>3  Fingerprints</translation>
    </message>
    <message>
        <source>Sepuluh jari, tangan kanan dulu lalu tangan kiri. Letakkan jari rata di kaca pemindai, tekan Spasi. Kualitas minimal %1; paling banyak %2 kali percobaan, setelah itu supervisor memutuskan.</source>
        <translation>Ten fingers, right hand first, then the left. Place the finger flat on the scanner glass and press Space. Minimum quality %1; at most %2 attempts, after which a supervisor decides.</translation>
    </message>
    <message>
        <source>Kanan</source>
        <translation>Right</translation>
    </message>
    <message>
        <source>Kiri</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>Ambil sidik jari  (Spasi)</source>
        <translation>Capture finger  (Space)</translation>
    </message>
    <message>
        <source>Simpan kualitas rendah (F) — supervisor</source>
        <translation>Keep low quality (F) — supervisor</translation>
    </message>
    <message>
        <source>Pengecualian jari (E) — supervisor</source>
        <translation>Finger exception (E) — supervisor</translation>
    </message>
    <message>
        <source>Ibu jari</source>
        <translation>Thumb</translation>
    </message>
    <message>
        <source>Telunjuk</source>
        <translation>Index</translation>
    </message>
    <message>
        <source>Tengah</source>
        <translation>Middle</translation>
    </message>
    <message>
        <source>Manis</source>
        <translation>Ring</translation>
    </message>
    <message>
        <source>Kelingking</source>
        <translation>Little</translation>
    </message>
    <message>
        <source>%1× gagal</source>
        <translation>%1× failed</translation>
    </message>
    <message>
        <source>Kualitas langsung %1 · NFIQ 2: %2</source>
        <translation>Live quality %1 · NFIQ 2: %2</translation>
    </message>
    <message>
        <source>Jari %1 — %2</source>
        <translation>Finger %1 — %2</translation>
    </message>
    <message>
        <source>Perhatian: hanya %1 dari 10 sidik jari yang direkam.</source>
        <translation>Note: only %1 of 10 fingerprints were captured.</translation>
    </message>
    <message>
        <source>Kualitas langsung: %1</source>
        <translation>Live quality: %1</translation>
    </message>
    <message>
        <source>tekan jari lebih rata</source>
        <translation>press the finger flatter</translation>
    </message>
    <message>
        <source>Merekam %1…</source>
        <translation>Capturing %1…</translation>
    </message>
    <message>
        <source>✓ %1: kualitas %2.</source>
        <translation>✓ %1: quality %2.</translation>
    </message>
    <message>
        <source>✗ %1: kualitas %2, di bawah %3 (percobaan %4 dari %5). Bersihkan jari dan kaca, tekan Spasi untuk mengulang.</source>
        <translation>✗ %1: quality %2, below %3 (attempt %4 of %5). Clean the finger and the glass, press Space to try again.</translation>
    </message>
    <message>
        <source>✗ %1: kualitas %2, di bawah %3 (percobaan %4 dari %5). Batas percobaan tercapai: minta supervisor menyimpan percobaan terbaik (F) atau mencatat pengecualian (E).</source>
        <translation>✗ %1: quality %2, below %3 (attempt %4 of %5). No attempts left: ask a supervisor to keep the best attempt (F) or to record an exception (E).</translation>
    </message>
    <message>
        <source>Perangkat ini tidak punya pratinjau langsung; tekan Spasi untuk merekam.</source>
        <translation>This device has no live preview; press Space to capture.</translation>
    </message>
    <message>
        <source>✗ Pemindai: %1
Sidik jari yang sudah diterima tetap ada. Periksa pemindai lalu tekan Spasi untuk mencoba lagi.</source>
        <translation>✗ Scanner: %1
Fingerprints already accepted are kept. Check the scanner, then press Space to try again.</translation>
    </message>
    <message>
        <source>Pemindai tidak tersedia</source>
        <translation>Scanner not available</translation>
    </message>
    <message>
        <source>Simpan sidik jari berkualitas rendah</source>
        <translation>Keep a low-quality fingerprint</translation>
    </message>
    <message>
        <source>%1: percobaan terbaik berkualitas %2 (minimal %3) setelah %4 kali. Supervisor menyetujui penyimpanannya dengan nama dan kata sandinya.</source>
        <translation>%1: the best attempt scores %2 (minimum %3) after %4 tries. A supervisor approves keeping it with their user name and password.</translation>
    </message>
    <message>
        <source>⚠ %1 disimpan dengan kualitas %2, disetujui %3.</source>
        <translation>⚠ %1 kept with quality %2, approved by %3.</translation>
    </message>
    <message>
        <source>Pengecualian sidik jari</source>
        <translation>Fingerprint exception</translation>
    </message>
    <message>
        <source>%1 tidak direkam. Pilih alasannya; supervisor mengonfirmasi dengan nama dan kata sandinya.</source>
        <translation>%1 is not captured. Choose the reason; a supervisor confirms with their user name and password.</translation>
    </message>
    <message>
        <source>Pengecualian %1 (%2) dikonfirmasi %3.</source>
        <translation>Exception for %1 (%2) confirmed by %3.</translation>
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
        <source>Menyiapkan stasiun…</source>
        <translation>Preparing the station…</translation>
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
        <source>Daftar rekaman</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>Dasbor</source>
        <translation>Dashboard</translation>
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
    <name>RecordDetail</name>
    <message>
        <source>(tanpa foto)</source>
        <translation>(no photo)</translation>
    </message>
    <message>
        <source>Tempat/tgl lahir</source>
        <translation>Place/date of birth</translation>
    </message>
    <message>
        <source>Jenis kelamin</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>LAKI-LAKI</source>
        <translation>male</translation>
    </message>
    <message>
        <source>PEREMPUAN</source>
        <translation>female</translation>
    </message>
    <message>
        <source>Alamat</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Agama</source>
        <translation>Religion</translation>
    </message>
    <message>
        <source>Status perkawinan</source>
        <translation>Marital status</translation>
    </message>
    <message>
        <source>Pekerjaan</source>
        <translation>Occupation</translation>
    </message>
    <message>
        <source>%1 oleh %2</source>
        <translation>%1 by %2</translation>
    </message>
    <message>
        <source> · domisili</source>
        <translation> · domicile</translation>
    </message>
    <message>
        <source>Perekaman</source>
        <translation>Recorded</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Alasan penolakan</source>
        <translation>Reason for rejection</translation>
    </message>
    <message>
        <source>Sidik jari</source>
        <translation>Fingerprints</translation>
    </message>
    <message>
        <source>Mutu %1</source>
        <translation>Quality %1</translation>
    </message>
    <message>
        <source>dipaksa oleh %1</source>
        <translation>forced by %1</translation>
    </message>
    <message>
        <source>Pengecualian:
%1</source>
        <translation>Exception:
%1</translation>
    </message>
    <message>
        <source>tidak ada</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>Pengecualian sidik jari</source>
        <translation>Fingerprint exceptions</translation>
    </message>
    <message>
        <source>belum dikonfirmasi</source>
        <translation>not confirmed</translation>
    </message>
    <message>
        <source>%1: %2%3 — dikonfirmasi oleh %4</source>
        <translation>%1: %2%3 — confirmed by %4</translation>
    </message>
    <message>
        <source>Tanda tangan</source>
        <translation>Signature</translation>
    </message>
    <message>
        <source>(tanpa gambar tanda tangan)</source>
        <translation>(no signature image)</translation>
    </message>
    <message>
        <source>Tidak dapat ditampilkan: %1 (data tersimpan utuh; hubungi petugas TI bila berulang).</source>
        <translation>Cannot be shown: %1 (the stored data is intact; call IT staff if this repeats).</translation>
    </message>
    <message>
        <source>diperban/terluka</source>
        <translation>bandaged/injured</translation>
    </message>
    <message>
        <source>tidak dapat direkam</source>
        <translation>cannot be captured</translation>
    </message>
    <message>
        <source>foto wajah</source>
        <translation>face photo</translation>
    </message>
    <message>
        <source>gambar tanda tangan</source>
        <translation>signature image</translation>
    </message>
    <message>
        <source>Jempol kanan</source>
        <translation>Right thumb</translation>
    </message>
    <message>
        <source>Telunjuk kanan</source>
        <translation>Right index</translation>
    </message>
    <message>
        <source>Tengah kanan</source>
        <translation>Right middle</translation>
    </message>
    <message>
        <source>Manis kanan</source>
        <translation>Right ring</translation>
    </message>
    <message>
        <source>Kelingking kanan</source>
        <translation>Right little</translation>
    </message>
    <message>
        <source>Jempol kiri</source>
        <translation>Left thumb</translation>
    </message>
    <message>
        <source>Telunjuk kiri</source>
        <translation>Left index</translation>
    </message>
    <message>
        <source>Tengah kiri</source>
        <translation>Left middle</translation>
    </message>
    <message>
        <source>Manis kiri</source>
        <translation>Left ring</translation>
    </message>
    <message>
        <source>Kelingking kiri</source>
        <translation>Left little</translation>
    </message>
</context>
<context>
    <name>RecordStatus</name>
    <message>
        <source>Draf</source>
        <translation>Draft</translation>
    </message>
    <message>
        <source>Menunggu persetujuan</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <source>Disetujui</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>Ditolak</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>Tersegel</source>
        <translation>Sealed</translation>
    </message>
    <message>
        <source>Terkirim</source>
        <translation>Uploaded</translation>
    </message>
    <message>
        <source>Diekspor</source>
        <translation>Exported</translation>
    </message>
    <message>
        <source>Diterima server</source>
        <translation>Acknowledged by server</translation>
    </message>
    <message>
        <source>Dihapus</source>
        <translation>Purged</translation>
    </message>
</context>
<context>
    <name>RecordsPage</name>
    <message>
        <source>Daftar rekaman</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>Semua status</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>Tanggal</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Semua kecamatan</source>
        <translation>All districts</translation>
    </message>
    <message>
        <source>Operator (nama pengguna)</source>
        <translation>Operator (user name)</translation>
    </message>
    <message>
        <source>Muat ulang (F5)</source>
        <translation>Reload (F5)</translation>
    </message>
    <message>
        <source>Waktu</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Kecamatan</source>
        <translation>District</translation>
    </message>
    <message>
        <source>Sidik jari</source>
        <translation>Fingerprints</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Domisili</source>
        <translation>Domicile</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>‹ Sebelumnya</source>
        <translation>‹ Previous</translation>
    </message>
    <message>
        <source>Berikutnya ›</source>
        <translation>Next ›</translation>
    </message>
    <message>
        <source>Buka (Enter)</source>
        <translation>Open (Enter)</translation>
    </message>
    <message>
        <source>Setujui</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>Tolak…</source>
        <translation>Reject…</translation>
    </message>
    <message>
        <source> + %1 pengecualian</source>
        <translation> + %1 exceptions</translation>
    </message>
    <message>
        <source>Ya</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Halaman %1 · rekaman %2–%3</source>
        <translation>Page %1 · records %2–%3</translation>
    </message>
    <message>
        <source>Tidak ada rekaman yang cocok dengan saringan.</source>
        <translation>No records match the filters.</translation>
    </message>
    <message>
        <source>Hanya supervisor yang dapat menyetujui atau menolak rekaman.</source>
        <translation>Only a supervisor can approve or reject records.</translation>
    </message>
    <message>
        <source>Setujui (%1)</source>
        <translation>Approve (%1)</translation>
    </message>
    <message>
        <source>Hanya rekaman berstatus &quot;Menunggu persetujuan&quot; yang dapat disetujui atau ditolak.</source>
        <translation>Only records &quot;Awaiting approval&quot; can be approved or rejected.</translation>
    </message>
    <message>
        <source>Penolakan satu per satu, masing-masing dengan alasannya.</source>
        <translation>Rejections go one at a time, each with its reason.</translation>
    </message>
    <message>
        <source>Pilih beberapa baris (Ctrl/Shift+klik) untuk menyetujui sekaligus.</source>
        <translation>Select several rows (Ctrl/Shift+click) to approve them together.</translation>
    </message>
    <message>
        <source>%1 rekaman disetujui.</source>
        <translation>%1 records approved.</translation>
    </message>
    <message>
        <source>Tolak rekaman %1 (operator %2, %3)? Rekaman kembali ke operator untuk diperbaiki.</source>
        <translation>Reject record %1 (operator %2, %3)? The record goes back to the operator for correction.</translation>
    </message>
    <message>
        <source>Rekaman ditolak; operator melihat alasannya.</source>
        <translation>Record rejected; the operator sees the reason.</translation>
    </message>
    <message>
        <source>Pilih rekaman lalu tekan Enter (atau klik dua kali) untuk melihat isinya.</source>
        <translation>Select a record and press Enter (or double-click) to see it.</translation>
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
    <name>RejectDialog</name>
    <message>
        <source>Tolak rekaman</source>
        <translation>Reject record</translation>
    </message>
    <message>
        <source>Contoh: foto buram, ulangi pengambilan foto wajah</source>
        <translation>For example: blurred photo, retake the face photo</translation>
    </message>
    <message>
        <source>Alasan wajib diisi (maksimal %1 karakter); operator akan melihatnya.</source>
        <translation>A reason is required (at most %1 characters); the operator will see it.</translation>
    </message>
    <message>
        <source>Tolak</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Alasan terlalu panjang: %1 dari maksimal %2 karakter.</source>
        <translation>The reason is too long: %1 of at most %2 characters.</translation>
    </message>
</context>
<context>
    <name>ReviewStep</name>
    <message>
        <source>5  Periksa &amp; simpan</source>
        <translation>5  Review &amp; save</translation>
    </message>
    <message>
        <source>Periksa ringkasan bersama pemohon. Simpan (Ctrl+S) menyimpan rekaman secara terenkripsi; formulir baru terbuka setelah rekaman benar-benar tersimpan.</source>
        <translation>Review the summary with the applicant. Save (Ctrl+S) stores the record encrypted; a new form opens once the record is really stored.</translation>
    </message>
    <message>
        <source>Simpan rekaman  (Ctrl+S)</source>
        <translation>Save record  (Ctrl+S)</translation>
    </message>
    <message>
        <source>(tanpa foto)</source>
        <translation>(no photo)</translation>
    </message>
    <message>
        <source>(tanpa tanda tangan)</source>
        <translation>(no signature)</translation>
    </message>
    <message>
        <source>  disetujui %1</source>
        <translation>  approved by %1</translation>
    </message>
    <message>
        <source>Memeriksa urutan sidik jari…</source>
        <translation>Checking the finger sequence…</translation>
    </message>
    <message>
        <source>Belum dapat disimpan:</source>
        <translation>Cannot be saved yet:</translation>
    </message>
    <message>
        <source>✓ Semua pemeriksaan lolos. Ctrl+S untuk menyimpan.</source>
        <translation>✓ All checks passed. Ctrl+S to save.</translation>
    </message>
    <message>
        <source>Menyimpan…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>✗ Rekaman belum tersimpan (semua isian tetap ada):
%1</source>
        <translation>✗ The record is not saved (everything entered is kept):
%1</translation>
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
<context>
    <name>SignaturePadWidget</name>
    <message>
        <source>Tanda tangan di dalam kotak putih dengan pena atau mouse.</source>
        <translation>Sign inside the white box with the pen or the mouse.</translation>
    </message>
    <message>
        <source>Hapus  (Del)</source>
        <translation>Clear  (Del)</translation>
    </message>
    <message>
        <source>Urungkan  (Ctrl+Z)</source>
        <translation>Undo  (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Selesai  (Enter)</source>
        <translation>Done  (Enter)</translation>
    </message>
</context>
<context>
    <name>SignatureStep</name>
    <message>
        <source>4  Tanda tangan</source>
        <translation>4  Signature</translation>
    </message>
    <message>
        <source>Pemohon menandatangani di kotak putih (pena atau mouse) lalu menekan Selesai (Enter). Hapus (Del) dan Urungkan (Ctrl+Z) memperbaiki coretan.</source>
        <translation>The applicant signs in the white box (pen or mouse), then presses Done (Enter). Clear (Del) and Undo (Ctrl+Z) correct the strokes.</translation>
    </message>
    <message>
        <source>Mulai tanda tangan  (Spasi)</source>
        <translation>Start signature  (Space)</translation>
    </message>
    <message>
        <source>Tanda tangan ulang  (Spasi)</source>
        <translation>Sign again  (Space)</translation>
    </message>
    <message>
        <source>Minta pemohon menandatangani pada %1.</source>
        <translation>Ask the applicant to sign on %1.</translation>
    </message>
    <message>
        <source>Menunggu tanda tangan…</source>
        <translation>Waiting for the signature…</translation>
    </message>
    <message>
        <source>Memeriksa tanda tangan…</source>
        <translation>Checking the signature…</translation>
    </message>
    <message>
        <source>✗ Tanda tangan belum memenuhi syarat; ulangi:</source>
        <translation>✗ The signature does not meet the requirements; sign again:</translation>
    </message>
    <message>
        <source>✓ Tanda tangan diterima. Enter untuk memeriksa dan menyimpan; Spasi untuk mengulang.</source>
        <translation>✓ Signature accepted. Enter to review and save; Space to sign again.</translation>
    </message>
    <message>
        <source>✗ Pad tanda tangan: %1
Tekan Spasi untuk mencoba lagi.</source>
        <translation>✗ Signature pad: %1
Press Space to try again.</translation>
    </message>
</context>
<context>
    <name>StepPage</name>
    <message>
        <source>← Kembali  (Alt+←)</source>
        <translation>← Back  (Alt+←)</translation>
    </message>
    <message>
        <source>Lanjut  (Enter)</source>
        <translation>Next  (Enter)</translation>
    </message>
</context>
<context>
    <name>SupervisorDialog</name>
    <message>
        <source>Nama pengguna supervisor</source>
        <translation>Supervisor user name</translation>
    </message>
    <message>
        <source>Kata sandi</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Batal</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Konfirmasi</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Isi nama pengguna dan kata sandi supervisor.</source>
        <translation>Enter the supervisor&apos;s user name and password.</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <source>Sinkron:</source>
        <translation>Sync:</translation>
    </message>
    <message>
        <source>memeriksa…</source>
        <translation>checking…</translation>
    </message>
    <message>
        <source>%1 menunggu · belum diarahkan ke server</source>
        <translation>%1 waiting · not pointed at a server</translation>
    </message>
    <message>
        <source>%1 menunggu</source>
        <translation>%1 waiting</translation>
    </message>
    <message>
        <source>galat %1</source>
        <translation>error %1</translation>
    </message>
    <message>
        <source>terakhir berhasil %1</source>
        <translation>last success %1</translation>
    </message>
</context>
</TS>
