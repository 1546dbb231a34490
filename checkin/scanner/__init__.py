"""Reading QR codes: frame sources, decoders, the decoding pipeline, debounce, keyboard wedges.

Import the modules themselves (`from checkin.scanner.pipeline import DecodePipeline`): this
package imports nothing, so the keyboard-wedge logic does not pull in numpy, OpenCV or the
decoder libraries. Qt lives in checkin/ui only.
"""
