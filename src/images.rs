//! What tend knows about the site's image files: their size on disk and their pixel
//! dimensions, read from the file's header (PNG, JPEG, GIF, WebP, AVIF… through the
//! `imagesize` crate, which reads a few bytes, not the image) or, for SVG, from the root
//! element's `width`/`height` (plain numbers or `px`) or else its `viewBox`.
//!
//! The Markdown stage writes the dimensions on `<img>` (so the page does not shift as
//! images load), and `tend check` warns on images over the size budget.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

/// One image file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Image {
    /// Width and height in CSS pixels, when the file says.
    pub size: Option<(u32, u32)>,
    /// Bytes on disk.
    pub bytes: u64,
}

/// Images by the site path they are published at (`care/with-image/towel.svg`).
pub type Images = HashMap<String, Image>;

/// File name extensions read as images.
const EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "avif", "svg"];

/// Measures every image among `files` (output path, source file), in parallel. A file
/// that cannot be read is left out (the routes or links report what is wrong with it).
pub fn measure<'a>(files: impl Iterator<Item = (&'a Path, &'a Path)>) -> Images {
    let files: Vec<(&Path, &Path)> = files
        .filter(|(path, _)| {
            path.extension().is_some_and(|e| EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str()))
        })
        .collect();
    files
        .par_iter()
        .filter_map(|(path, source)| {
            let bytes = std::fs::metadata(source).ok()?.len();
            let svg = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"));
            let size = if svg { svg_size(source) } else { raster_size(source) };
            Some((path.to_string_lossy().replace('\\', "/"), Image { size, bytes }))
        })
        .collect()
}

fn raster_size(file: &Path) -> Option<(u32, u32)> {
    let size = imagesize::size(file).ok()?;
    Some((u32::try_from(size.width).ok()?, u32::try_from(size.height).ok()?))
}

/// The first 64 KiB of an SVG file hold its root element.
fn svg_size(file: &Path) -> Option<(u32, u32)> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(file).ok()?.take(64 * 1024).read_to_end(&mut head).ok()?;
    svg_root_size(&String::from_utf8_lossy(&head))
}

/// The size an `<svg>` root element gives itself: `width` and `height` when both are
/// lengths in pixels, else the `viewBox`'s width and height.
fn svg_root_size(text: &str) -> Option<(u32, u32)> {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event().ok()? {
            quick_xml::events::Event::Start(element) | quick_xml::events::Event::Empty(element) => {
                if element.local_name().as_ref() != b"svg" {
                    return None;
                }
                let attribute = |name: &[u8]| {
                    element
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == name)
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                };
                let pixels = |value: Option<String>| {
                    let value = value?;
                    let number = value.trim().strip_suffix("px").unwrap_or(value.trim()).parse::<f64>().ok()?;
                    (number > 0.0 && number < 100_000.0).then(|| number.round() as u32)
                };
                if let (Some(width), Some(height)) = (pixels(attribute(b"width")), pixels(attribute(b"height"))) {
                    return Some((width, height));
                }
                let view_box = attribute(b"viewBox")?;
                let numbers: Vec<f64> = view_box
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|part| !part.is_empty())
                    .filter_map(|part| part.parse().ok())
                    .collect();
                let [_, _, width, height] = numbers[..] else { return None };
                let fits = |n: f64| n > 0.0 && n < 100_000.0;
                return (fits(width) && fits(height)).then(|| (width.round() as u32, height.round() as u32));
            }
            quick_xml::events::Event::Eof => return None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes_come_from_pixels_or_the_view_box() {
        let root = |attributes: &str| svg_root_size(&format!("<?xml version=\"1.0\"?>\n<!-- c --><svg {attributes}/>"));
        assert_eq!(root("width=\"120\" height=\"80px\" viewBox=\"0 0 12 8\""), Some((120, 80)));
        assert_eq!(root("width=\"100%\" viewBox=\"0 0 24.4,16\""), Some((24, 16)));
        assert_eq!(root("xmlns=\"http://www.w3.org/2000/svg\""), None);
        assert_eq!(root("viewBox=\"0 0 -1 5\""), None);
        assert_eq!(svg_root_size("<html><svg width=\"1\" height=\"1\"/></html>"), None);
    }
}
