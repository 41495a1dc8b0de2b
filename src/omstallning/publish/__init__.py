"""Publishing built plans: accessible PDF through LibreOffice, and its check."""
