; Inno Setup script: a real Windows installer for the folder `python packaging/build.py` makes.
; Build on Windows with:  iscc /DAppVersion=0.1.0 packaging\windows\smsdesk.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6C1C7E0B-5A0E-4C7E-9B3E-3E1D2D4F5A10}
AppName=smsdesk
AppVersion={#AppVersion}
AppPublisher=smsdesk
DefaultDirName={autopf}\smsdesk
DefaultGroupName=smsdesk
OutputDir=..\..\build
OutputBaseFilename=smsdesk-{#AppVersion}-setup
SetupIconFile=..\..\build\icons\smsdesk.ico
UninstallDisplayIcon={app}\smsdesk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
PrivilegesRequiredOverridesAllowed=dialog

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\build\dist\smsdesk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\smsdesk"; Filename: "{app}\smsdesk.exe"
Name: "{group}\{cm:UninstallProgram,smsdesk}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\smsdesk"; Filename: "{app}\smsdesk.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Run]
Filename: "{app}\smsdesk.exe"; Description: "{cm:LaunchProgram,smsdesk}"; Flags: nowait postinstall skipifsilent
