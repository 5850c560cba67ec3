import { type ReactNode, useEffect, useState } from "react";

const size = 264;

/**
 * Draws the QR string as an image in the browser; the string never leaves the page. The box keeps its
 * size while a new code renders so the modal does not jump. The string is kept in `data-qr-value` for
 * tests and for the simulated phone.
 */
interface QrImageProps {
  value: string | null;
  alt: string;
  isExpired: boolean;
  /** Shown over the code, e.g. the Refresh button once it expired (where WhatsApp Web puts it too). */
  overlay?: ReactNode;
}

export function QrImage({ value, alt, isExpired, overlay }: QrImageProps) {
  const [image, setImage] = useState<{ value: string; url: string } | null>(null);

  useEffect(() => {
    if (value === null) return;
    let isCurrent = true;
    // Loaded on first use: only the QR modal needs the encoder, so the first page load skips it.
    import("qrcode")
      .then((qrcode) => qrcode.toDataURL(value, { width: size, margin: 1, errorCorrectionLevel: "L" }))
      .then((url) => {
        if (isCurrent) setImage({ value, url });
      })
      .catch(() => {
        if (isCurrent) setImage(null);
      });
    return () => {
      isCurrent = false;
    };
  }, [value]);

  const isShown = image !== null && image.value === value;
  return (
    <div className={`qr-box${isExpired ? " qr-expired" : ""}`} style={{ width: size, height: size }}>
      {isShown ? (
        <img src={image.url} width={size} height={size} alt={alt} data-qr-value={image.value} />
      ) : isExpired ? null : (
        <span className="spinner spinner-large" aria-hidden="true" />
      )}
      {overlay === undefined || overlay === null ? null : <div className="qr-overlay">{overlay}</div>}
    </div>
  );
}
