# Build the one-folder PackStation application on Windows and smoke-test it (twin of build_app.sh).
#   powershell -ExecutionPolicy Bypass -File scripts\build_app.ps1   ->  dist\packstation\packstation.exe
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
$Root = (Get-Location).Path
$Py = Join-Path $Root ".venv\Scripts\python.exe"
if (-not (Test-Path $Py)) { Write-Error "no .venv yet: create it and 'pip install -e .[test]' first"; exit 2 }

& $Py -m pip install -q "pyinstaller>=6.10" "babel>=2.14"
Write-Host "[build] compiling translations"
& $Py scripts\update_translations.py --compile-only
Write-Host "[build] building (this takes a few minutes)"
& $Py -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$Root\dist" --workpath "$Root\build\pyinstaller" build.spec
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

$App = Join-Path $Root "dist\packstation\packstation.exe"
$Smoke = Join-Path ([IO.Path]::GetTempPath()) ("packstation-smoke-" + [Guid]::NewGuid())
New-Item -ItemType Directory -Path "$Smoke\spool" | Out-Null
$Spool = ([Uri]"$Smoke\spool").AbsoluteUri
$Data = ($Smoke + "\data").Replace("\", "/")
@"
[station]
name = "build-smoke"
data_dir = "$Data"
[printer]
uri = "$Spool"
"@ | Set-Content -Encoding UTF8 "$Smoke\config.toml"
Write-Host "[build] smoke test: packstation doctor (starts the embedded PostgreSQL from the bundle)"
Push-Location $Smoke
& $App --config "$Smoke\config.toml" doctor
$code = $LASTEXITCODE
Pop-Location
Write-Host "[build] doctor exit code: $code (the database line must say OK)"
Remove-Item -Recurse -Force $Smoke
