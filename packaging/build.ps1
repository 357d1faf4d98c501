# Build the Rekam bundle and its Windows installer (docs/it-guide.md, "Membangun paket").
#
#   powershell -ExecutionPolicy Bypass -File packaging\build.ps1
#
# Needs Python 3.11+ (python.org installer) and Inno Setup 6 (iscc.exe on PATH or in its default
# folder). Output: build\dist\rekam\ (rekam.exe, rekam-gui.exe, rekam-receiver.exe, _internal\)
# and build\rekam-setup-VERSION.exe. The steps are those of packaging/build.sh, kept in step:
# the same spec (packaging\rekam.spec), the same pinned versions, the same size limit.
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)
$Venv = if ($env:REKAM_BUILD_VENV) { $env:REKAM_BUILD_VENV } else { "build\venv" }
$Py = "$Venv\Scripts\python.exe"
$BundleLimitMB = 300

if (-not (Test-Path $Py)) {
    python -m venv $Venv
    & $Py -m pip install --quiet --upgrade pip
}
& $Py -m pip install --quiet -c packaging\bundle-constraints.txt -r packaging\bundle-requirements.txt .
& $Py -m pip install --quiet --no-deps --force-reinstall .
$Version = & $Py -c "import station; print(station.__version__)"

& $Py packaging\tools\make_icon.py build\icons\rekam.ico
& $Py -m PyInstaller --noconfirm --log-level WARN --distpath build\dist `
    --workpath build\pyinstaller packaging\rekam.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$Bundle = "build\dist\rekam"
$SizeMB = [math]::Ceiling((Get-ChildItem $Bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB)
Write-Host "bundle: $SizeMB MB in $Bundle (limit $BundleLimitMB MB)"
Get-ChildItem "$Bundle\_internal" | ForEach-Object {
    $s = if ($_.PSIsContainer) { (Get-ChildItem $_.FullName -Recurse -File | Measure-Object Length -Sum).Sum } else { $_.Length }
    [pscustomobject]@{ MB = [math]::Round($s / 1MB, 1); Part = $_.Name }
} | Sort-Object MB -Descending | Select-Object -First 12 | Format-Table -AutoSize
if ($SizeMB -gt $BundleLimitMB) { throw "the bundle is $SizeMB MB, over $BundleLimitMB MB" }

# The frozen smoke test, before the installer is made.
& "$Bundle\rekam.exe" --smoke-test
if ($LASTEXITCODE -ne 0) { throw "the frozen smoke test failed" }

$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $Iscc "/DAppVersion=$Version" packaging\windows\rekam.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
