//! Opening an input by path: `-` is standard input, and gzip is recognised
//! by its magic bytes (so `claims.csv.gz` and a gzip stream on stdin both
//! read as plain text). The readers stream; nothing is loaded whole.
//!
//! Files that are not delimited text but are often mistaken for it (zip
//! archives and `.xlsx` workbooks, old Excel workbooks, other compressors,
//! PDF, Parquet, SQLite, UTF-16 and UTF-32 text) are recognised by their
//! first bytes and refused with an error that says what the file is and
//! how to get a CSV out of it, instead of a page of malformed rows.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use super::error::InputError;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// How many leading bytes are read to recognise a format.
const HEAD_LEN: usize = 16;

/// What the first bytes of an input say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Gzip,
    /// Anything else: read as delimited text.
    Text,
    /// A known format that is not delimited text: what it is, and how to
    /// get a CSV from it.
    Other {
        what: &'static str,
        help: &'static str,
    },
}

const UNICODE_HELP: &str = "convert it to UTF-8 first, e.g. `iconv -f UTF-16 -t UTF-8 in.csv > out.csv` \
     (use UTF-32 for UTF-32 files), or export it again as UTF-8";
const SHEET_HELP: &str = "save the sheet as \"CSV UTF-8\" and check that file";
const COMPRESSED_HELP: &str =
    "decompress it first, or compress it with gzip, which dxlint reads directly";

/// Recognises a format from the first bytes of an input (up to 16).
pub fn sniff(head: &[u8]) -> Sniffed {
    let other = |what, help| Sniffed::Other { what, help };
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&GZIP_MAGIC) {
        Sniffed::Gzip
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") || starts(b"PK\x07\x08") {
        other(
            "a zip archive (an .xlsx workbook is one too), not delimited text",
            "extract the CSV from the archive, or save the sheet as \"CSV UTF-8\"",
        )
    } else if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        other(
            "an Excel 97-2003 workbook (or another OLE document), not delimited text",
            SHEET_HELP,
        )
    } else if starts(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        other("bzip2-compressed", COMPRESSED_HELP)
    } else if starts(b"\xfd7zXZ\x00") {
        other("xz-compressed", COMPRESSED_HELP)
    } else if starts(b"\x28\xb5\x2f\xfd") {
        other("zstd-compressed", COMPRESSED_HELP)
    } else if starts(b"7z\xbc\xaf\x27\x1c") {
        other("a 7-Zip archive, not delimited text", COMPRESSED_HELP)
    } else if starts(b"%PDF-") {
        other(
            "a PDF document, not delimited text",
            "export the claims from their source system as CSV",
        )
    } else if starts(b"PAR1") {
        other(
            "a Parquet file, not delimited text",
            "export it as CSV, e.g. with DuckDB: COPY (SELECT * FROM 'in.parquet') TO 'out.csv'",
        )
    } else if starts(b"SQLite format 3\x00") {
        other(
            "an SQLite database, not delimited text",
            "export the claims table as CSV, e.g. `sqlite3 -csv -header db.sqlite 'select * from claims' > claims.csv`",
        )
    } else if starts(b"\xff\xfe\x00\x00") || starts(b"\x00\x00\xfe\xff") {
        other("UTF-32 text; dxlint reads UTF-8", UNICODE_HELP)
    } else if starts(b"\xff\xfe") || starts(b"\xfe\xff") {
        other("UTF-16 text; dxlint reads UTF-8", UNICODE_HELP)
    } else {
        Sniffed::Text
    }
}

/// Opens `path` for reading (`-` = stdin), decompressing gzip transparently.
/// Errors name the path.
pub fn open_input(path: &str) -> Result<Box<dyn Read + Send>, InputError> {
    open_counted(path, &ReadCount::default()).map(|(input, _)| input)
}

/// The bytes taken from an input's source so far (compressed bytes for a
/// gzip file), readable from another thread: how far a run has got.
#[derive(Clone, Debug, Default)]
pub struct ReadCount(Arc<AtomicU64>);

impl ReadCount {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A source that adds what it reads to a [`ReadCount`]: one atomic add per
/// buffer filled, not per row.
struct Counted<R> {
    inner: R,
    count: ReadCount,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// [`open_input`], counting the source's bytes into `count`; with the
/// source's size when it is a regular file.
pub fn open_counted(
    path: &str,
    count: &ReadCount,
) -> Result<(Box<dyn Read + Send>, Option<u64>), InputError> {
    let err = |source: io::Error| InputError::Open {
        path: path.to_string(),
        source,
    };
    let counted = |inner| Counted {
        inner,
        count: count.clone(),
    };
    if path == "-" {
        return open_stream(
            "<stdin>",
            counted(Box::new(io::stdin()) as Box<dyn Read + Send>),
        )
        .map(|input| (input, None))
        .map_err(|e| e.map_io(err));
    }
    let file = File::open(path).map_err(err)?;
    let meta = file.metadata().ok();
    if meta.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(err(io::Error::other("it is a directory")));
    }
    let size = meta.filter(|m| m.is_file()).map(|m| m.len());
    open_stream(path, counted(Box::new(file) as Box<dyn Read + Send>))
        .map(|input| (input, size))
        .map_err(|e| e.map_io(err))
}

/// Why [`open_stream`] failed: reading the first bytes, or what they showed.
enum OpenError {
    Io(io::Error),
    Input(InputError),
}

impl OpenError {
    fn map_io(self, f: impl FnOnce(io::Error) -> InputError) -> InputError {
        match self {
            OpenError::Io(e) => f(e),
            OpenError::Input(e) => e,
        }
    }
}

fn open_stream<R: Read + Send + 'static>(
    name: &str,
    input: R,
) -> Result<Box<dyn Read + Send>, OpenError> {
    let (head, rejoined) = read_head(input).map_err(OpenError::Io)?;
    match sniff(&head) {
        Sniffed::Gzip => Ok(Box::new(MultiGzDecoder::new(rejoined))),
        Sniffed::Text => Ok(Box::new(rejoined)),
        Sniffed::Other { what, help } => Err(OpenError::Input(InputError::NotText {
            file: name.to_string(),
            what: format!("the file is {what}"),
            help: help.to_string(),
        })),
    }
}

/// An input with its first bytes read and put back in front.
type Rejoined<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Reads up to [`HEAD_LEN`] bytes and hands them back with a reader that
/// yields them again, then the rest.
fn read_head<R: Read>(mut input: R) -> io::Result<(Vec<u8>, Rejoined<R>)> {
    let mut head = [0u8; HEAD_LEN];
    let mut n = 0;
    while n < head.len() {
        match input.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let head = head[..n].to_vec();
    Ok((head.clone(), Cursor::new(head).chain(input)))
}

/// Wraps `input` in a gzip decoder when it starts with the gzip magic bytes
/// (and reads anything else as it is).
pub fn maybe_gunzip<R: Read + Send + 'static>(input: R) -> io::Result<Box<dyn Read + Send>> {
    let (head, rejoined) = read_head(input)?;
    if sniff(&head) == Sniffed::Gzip {
        Ok(Box::new(MultiGzDecoder::new(rejoined)))
    } else {
        Ok(Box::new(rejoined))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn plain_and_gzip_read_the_same() {
        let text = b"claim_id,dx1\n1,A01\n";
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(text).unwrap();
        let gz = enc.finish().unwrap();
        for input in [text.to_vec(), gz] {
            let mut out = Vec::new();
            maybe_gunzip(Cursor::new(input))
                .unwrap()
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
        let mut out = Vec::new();
        maybe_gunzip(Cursor::new(b"x".to_vec()))
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"x");
    }

    #[test]
    fn the_count_follows_the_source_bytes() {
        let text = "claim_id,dx1\n1,A01\n2,B02\n".repeat(500);
        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(text.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [("claims.csv", text.as_bytes()), ("claims.csv.gz", &gz)] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let count = ReadCount::default();
            let (mut input, size) = open_counted(path.to_str().unwrap(), &count).unwrap();
            assert_eq!(size, Some(bytes.len() as u64), "{name}");
            let mut out = String::new();
            input.read_to_string(&mut out).unwrap();
            assert_eq!(out, text, "{name}");
            // A gzip file counts its compressed bytes: the file's size is
            // where the count ends.
            assert_eq!(count.get(), bytes.len() as u64, "{name}");
        }
    }

    #[test]
    fn recognises_files_that_are_not_text() {
        let what = |head: &[u8]| match sniff(head) {
            Sniffed::Other { what, .. } => what,
            Sniffed::Gzip => "gzip",
            Sniffed::Text => "text",
        };
        assert_eq!(what(b"claim_id,dx1\n"), "text");
        assert_eq!(what(b""), "text");
        assert_eq!(what(b"\x1f\x8b\x08"), "gzip");
        assert!(what(b"PK\x03\x04\x14\x00").starts_with("a zip archive"));
        assert!(what(b"\xff\xfec\x00l\x00").starts_with("UTF-16"));
        assert!(what(b"\xff\xfe\x00\x00c\x00\x00\x00").starts_with("UTF-32"));
        assert!(what(b"BZh91AY&SY").starts_with("bzip2"));
        assert_eq!(what(b"BZh,x\n"), "text", "a header could start with BZh");
        assert!(what(b"%PDF-1.7\n").starts_with("a PDF"));
    }

    #[test]
    fn open_errors_name_the_path() {
        let err = open_input("/nonexistent/claims.csv").err().unwrap();
        assert!(
            err.to_string()
                .starts_with("cannot open /nonexistent/claims.csv: "),
            "{err}"
        );
    }
}
