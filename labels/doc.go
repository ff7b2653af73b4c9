// Package labels renders and decodes asset labels.
//
// A label is a small piece of data (a Label: tag, name, model, serial,
// location, owner line and custom fields) laid out by a Template. Templates
// are plain data: size in printer dots, resolution, margins, which symbology
// carries what (a QR code, a Data Matrix or a Code 128, plus an optional
// Code 128 strip of the bare tag), which text lines appear and at what font
// size, and, for A4/Letter sheets, the grid the labels sit on. A set of
// built-in templates covers Zebra 2"x1" and 3"x1" labels at 203 and 300 dpi,
// Brother QL 62 mm and 29 mm tape, small 1.25"x0.5" tags and Avery L7163 and
// 5160 sheets; users add or override templates with a TOML file
// (ParseTemplates).
//
// Every output format shares one layout engine that works on the template's
// exact dot grid, so a label looks the same whichever way it is printed:
//
//   - ZPL writes ZPL II for Zebra printers using the printer's own barcode
//     commands (^BQ, ^BX, ^BC). All field data goes through ^FH hex escaping,
//     so no data can break the job.
//   - Renderer.Render and Renderer.PNG draw a 1-bit image at the printer's
//     dot grid; every barcode module is an integer number of dots and is
//     never scaled or blurred.
//   - Renderer.PDF writes vector barcodes (one filled rectangle per dark run)
//     and embedded Go fonts, for sheets and for CUPS.
//   - Preview draws a label for a terminal with Unicode block characters.
//
// Codes are sized to the largest module that fits, never below a scannable
// minimum; when a code or a text field cannot fit the template, the
// functions return an error that names what did not fit and by how much,
// rather than print a label that will not scan. Decode reads QR, Data Matrix
// and Code 128 symbols back from an image; the tests use it to check that
// every label this package draws reads back as the right tag.
//
// The package does no I/O beyond the io.Writer and io.Reader it is given and
// imports nothing else from tagdesk. Sub-package printer sends finished jobs
// to a raw TCP port, a CUPS queue or a file.
package labels
