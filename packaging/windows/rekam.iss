; Inno Setup script of the Rekam installer for Windows (packaging\build.ps1 runs it).
; It installs the bundle of packaging\rekam.spec under Program Files\Rekam, with a Start menu
; entry for rekam-gui.exe. Data and keys live in each user's %LOCALAPPDATA%\Rekam and are never
; touched by installing, upgrading or uninstalling; the database is migrated when the new
; version first opens it. Keep in step with packaging/build.sh (the .deb) and docs/it-guide.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
; The AppId identifies the program across versions: an upgrade replaces, never duplicates.
AppId={{6F1C2A4E-5B7D-4C1E-9A3F-2D8E7B6C5A41}
AppName=Rekam
AppVersion={#AppVersion}
AppPublisher=Rekam developers
DefaultDirName={autopf}\Rekam
DefaultGroupName=Rekam
DisableProgramGroupPage=yes
OutputDir=..\..\build
OutputBaseFilename=rekam-setup-{#AppVersion}
SetupIconFile=..\..\build\icons\rekam.ico
UninstallDisplayIcon={app}\rekam-gui.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
; Close a running station before replacing its files.
CloseApplications=yes

[Languages]
Name: "id"; MessagesFile: "compiler:Languages\Indonesian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
; The whole one-folder bundle; files of an older version that are gone are removed first.
Source: "..\..\build\dist\rekam\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\Rekam"; Filename: "{app}\rekam-gui.exe"
Name: "{autodesktop}\Rekam"; Filename: "{app}\rekam-gui.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Run]
Filename: "{app}\rekam-gui.exe"; Description: "{cm:LaunchProgram,Rekam}"; Flags: nowait postinstall skipifsilent
