//! The smallest Typst world that renders one document: the templates and fonts are compiled into
//! the binary, the document's data and QR code are virtual files. Nothing is read from disk (no
//! system font folders, no packages), so a render depends only on its input and on this binary.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Liberation Serif 2.1.5 (SIL OFL 1.1, `fonts/LICENSE-OFL-1.1.txt`): metric-compatible with
/// Times New Roman, the face Decree 30/2020/NĐ-CP Appendix I asks for, and it covers every
/// Vietnamese precomposed letter (Latin Extended Additional).
const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

/// The shared module every form imports (header, signature blocks, recipients, QR block).
const COMMON: &str = include_str!("../templates/common.typ");

struct Assets {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Assets {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// The paths the templates see.
pub(crate) const MAIN: &str = "/main.typ";
pub(crate) const DATA: &str = "/data.json";
pub(crate) const QR: &str = "/qr.svg";

fn file_id(path: &str) -> FileId {
    // The paths are constants above: they always parse.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("constant path {path}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One render: the form's template as main file, its data and QR code.
pub(crate) struct DocWorld {
    main: Source,
    common: Source,
    data: Bytes,
    qr: Bytes,
}

impl DocWorld {
    pub(crate) fn new(template: &str, data: Vec<u8>, qr: String) -> Self {
        Self {
            main: Source::new(file_id(MAIN), template.to_string()),
            common: Source::new(file_id("/common.typ"), COMMON.to_string()),
            data: Bytes::new(data),
            qr: Bytes::from_string(qr),
        }
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &ASSETS.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &ASSETS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.common.id() {
            Ok(self.common.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id(DATA) {
            Ok(self.data.clone())
        } else if id == file_id(QR) {
            Ok(self.qr.clone())
        } else if id == self.main.id() || id == self.common.id() {
            Ok(Bytes::from_string(self.source(id)?.text().to_string()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        ASSETS.fonts.get(index).cloned()
    }

    /// No clock: a document carries the date it was issued on (in its data), never the day it
    /// happened to be rendered, so re-rendering gives the same bytes.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
