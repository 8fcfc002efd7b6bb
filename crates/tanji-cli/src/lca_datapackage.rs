//! Reading Brightway `bw_processing` datapackages for `tanji lca solve` and `tanji lca monte-carlo`: the zip or
//! directory holding `datapackage.json` and the `.npy` arrays it names; tanji_lca::datapackage turns their bytes into
//! a system. Errors name the package, the file inside it, the element and the fix, in the reader's language.

use std::io::Read as _;
use std::path::Path;

use anyhow::anyhow;
use tanji_i18n::lca::datapackage_fix;
use tanji_i18n::{Language, Localize as _};
use tanji_lca::datapackage::{DESCRIPTOR, DatapackageError, Descriptor, LoadedPackage};

/// Arrays larger than this are refused before they are read (a zip can promise any size).
const MAX_FILE_BYTES: u64 = 4 << 30;

/// Read one package: its descriptor and every array it names that tanji reads.
pub(crate) fn load(path: &Path, language: Language) -> anyhow::Result<(std::path::PathBuf, LoadedPackage)> {
    let display = path.display().to_string();
    let cannot_read = |inner: &str, error: &dyn std::fmt::Display| match language {
        Language::SimplifiedChinese => anyhow!(
            "{display}：无法读取 {inner}\n  提示：给出 bw_processing 写出的 zip 文件，或含 datapackage.json 的目录"
        ),
        Language::English => anyhow!(
            "{display}: cannot read {inner}: {error}\n  hint: give the zip file bw_processing wrote, or the directory \
             holding datapackage.json"
        ),
    };
    let mut package = LoadedPackage::default();
    if path.is_dir() {
        let text = std::fs::read_to_string(path.join(DESCRIPTOR)).map_err(|error| cannot_read(DESCRIPTOR, &error))?;
        let descriptor = Descriptor::parse(&text).map_err(|error| self::error(&display, &error, language))?;
        for inner in descriptor.array_paths() {
            // A missing array is the domain's error (it names the group); other failures are the file system's.
            match std::fs::read(path.join(inner)) {
                Ok(bytes) => {
                    package.files.insert(inner.to_owned(), bytes);
                }
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(cannot_read(inner, &error)),
            }
        }
        package.descriptor = Some(descriptor);
    } else {
        let file = std::fs::File::open(path).map_err(|error| cannot_read(&display, &error))?;
        let mut archive =
            zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|error| cannot_read(&display, &error))?;
        let mut read_entry = |inner: &str| -> anyhow::Result<Option<Vec<u8>>> {
            let mut entry = match archive.by_name(inner) {
                Ok(entry) => entry,
                Err(zip::result::ZipError::FileNotFound) => return Ok(None),
                Err(error) => return Err(cannot_read(inner, &error)),
            };
            if entry.size() > MAX_FILE_BYTES {
                return Err(cannot_read(inner, &"larger than 4 GiB"));
            }
            let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
            entry.read_to_end(&mut bytes).map_err(|error| cannot_read(inner, &error))?;
            Ok(Some(bytes))
        };
        let descriptor_bytes = read_entry(DESCRIPTOR)?.ok_or_else(|| cannot_read(DESCRIPTOR, &"not in the zip"))?;
        let text = String::from_utf8_lossy(&descriptor_bytes);
        let descriptor = Descriptor::parse(&text).map_err(|error| self::error(&display, &error, language))?;
        for inner in descriptor.array_paths() {
            if let Some(bytes) = read_entry(inner)? {
                package.files.insert(inner.to_owned(), bytes);
            }
        }
        package.descriptor = Some(descriptor);
    }
    Ok((path.to_owned(), package))
}

/// An error in a package: the package, the file inside it and the element, what is wrong, and the fix.
pub(crate) fn error(package: &str, error: &DatapackageError, language: Language) -> anyhow::Error {
    let (message, fix) = (error.localize(language), datapackage_fix(&error.problem, language));
    match language {
        Language::SimplifiedChinese => anyhow!("{package}：{message}\n  提示：{fix}"),
        Language::English => anyhow!("{package}: {message}\n  hint: {fix}"),
    }
}
