<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="en_GB">
    <context>
        <name>ActionPanel</name>
        <message>
            <source>Nobody is logged in.</source>
            <translation>Nobody is logged in.</translation>
        </message>
    </context>
    <context>
        <name>AdjustDialog</name>
        <message>
            <source>Adjust stock in {0}</source>
            <translation>Adjust stock in {0}</translation>
        </message>
        <message>
            <source>or another product: its stock code or barcode</source>
            <translation>or another product: its stock code or barcode</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>Product</translation>
        </message>
        <message>
            <source>Units (+ in, − out)</source>
            <translation>Units (+ in, − out)</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>Note</translation>
        </message>
    </context>
    <context>
        <name>ApprovalDialog</name>
        <message>
            <source>Supervisor approval</source>
            <translation>Supervisor approval</translation>
        </message>
        <message>
            <source>Supervisor: scan your badge</source>
            <translation>Supervisor: scan your badge</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <source>Approve: {0}</source>
            <translation>Approve: {0}</translation>
        </message>
        <message>
            <source>Badge</source>
            <translation>Badge</translation>
        </message>
    </context>
    <context>
        <name>BadgeOrItem</name>
        <message>
            <source>This code could not be checked: scan it again, or a product barcode.</source>
            <translation>This code could not be checked: scan it again, or a product barcode.</translation>
        </message>
        <message>
            <source>Not an item of this parcel. While the database is unreachable a badge cannot be checked: scan the product's barcode.</source>
            <translation>Not an item of this parcel. While the database is unreachable a badge cannot be checked: scan the product's barcode.</translation>
        </message>
        <message>
            <source>Too many unrecognised codes at this station: scan the product's barcode, or scan your badge again in a minute.</source>
            <translation>Too many unrecognised codes at this station: scan the product's barcode, or scan your badge again in a minute.</translation>
        </message>
    </context>
    <context>
        <name>CameraView</name>
        <message>
            <source>Starting the camera…</source>
            <extracomment>Longest side of a stored photo in pixels: sharp enough to read a label or see a scuff, and small enough (200 to 600 KB as JPEG) that a return with ten photos uploads in seconds. Picture files a folder source shows, by extension (anything else in the folder is ignored). A new still to show (folder sources; a webcam draws into its own video widget). The photo, as JPEG bytes. No photo: the device is missing or broke, or the photo could not be made. A picture file was passed over (not a picture, unreadable); the next one is shown. Something the packer should know that did not stop the photo (a picture file skipped).</extracomment>
            <translation>Starting the camera…</translation>
        </message>
        <message>
            <source>Taking the photo…</source>
            <translation>Taking the photo…</translation>
        </message>
    </context>
    <context>
        <name>CountView</name>
        <message>
            <source>Count mode</source>
            <extracomment>``feedback(sound, message, ok)``: the window plays the sound and shows the message.</extracomment>
            <translation>Count mode</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>Product</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>Counted</translation>
        </message>
        <message>
            <source>Undo last scan</source>
            <translation>Undo last scan</translation>
        </message>
        <message>
            <source>Type a count…</source>
            <translation>Type a count…</translation>
        </message>
        <message>
            <source>Confirm count</source>
            <translation>Confirm count</translation>
        </message>
        <message>
            <source>Drop this count</source>
            <translation>Drop this count</translation>
        </message>
        <message>
            <source>One moment: the last step is still running.</source>
            <translation>One moment: the last step is still running.</translation>
        </message>
        <message>
            <source>Counting {0}: scan every item in it.</source>
            <translation>Counting {0}: scan every item in it.</translation>
        </message>
        <message>
            <source>Choose a product in the list first.</source>
            <translation>Choose a product in the list first.</translation>
        </message>
        <message>
            <source>Type a count</source>
            <translation>Type a count</translation>
        </message>
        <message>
            <source>Units counted</source>
            <translation>Units counted</translation>
        </message>
        <message>
            <source>{0} counted: {1} difference(s) adjusted. Scan the next bin.</source>
            <translation>{0} counted: {1} difference(s) adjusted. Scan the next bin.</translation>
        </message>
        <message>
            <source>Count dropped: nothing was saved.</source>
            <translation>Count dropped: nothing was saved.</translation>
        </message>
        <message>
            <source>Scan the label of the bin to count.</source>
            <translation>Scan the label of the bin to count.</translation>
        </message>
        <message>
            <source>Counting {0}. Scan every item; COMPLETE confirms, ABORT drops the count.</source>
            <translation>Counting {0}. Scan every item; COMPLETE confirms, ABORT drops the count.</translation>
        </message>
    </context>
    <context>
        <name>CrashHook</name>
        <message>
            <source>Unexpected error</source>
            <translation>Unexpected error</translation>
        </message>
    </context>
    <context>
        <name>DashboardFilters</name>
        <message>
            <source>All clients</source>
            <extracomment>A filter changed, or Refresh was pressed: read the figures again. Export… was pressed, with the kind of file ("pdf" or "xlsx").</extracomment>
            <translation>All clients</translation>
        </message>
        <message>
            <source>All marketplaces</source>
            <translation>All marketplaces</translation>
        </message>
        <message>
            <source>All stations</source>
            <translation>All stations</translation>
        </message>
        <message>
            <source>All packers</source>
            <translation>All packers</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>Export PDF…</source>
            <translation>Export PDF…</translation>
        </message>
        <message>
            <source>Export XLSX…</source>
            <translation>Export XLSX…</translation>
        </message>
        <message>
            <source>From</source>
            <translation>From</translation>
        </message>
        <message>
            <source>to</source>
            <translation>to</translation>
        </message>
    </context>
    <context>
        <name>DashboardView</name>
        <message>
            <source>Parcels</source>
            <extracomment>Emitted after each snapshot is shown (tests and the status bar listen). Emitted with a message when a read or an action failed.</extracomment>
            <translation>Parcels</translation>
        </message>
        <message>
            <source>Items</source>
            <translation>Items</translation>
        </message>
        <message>
            <source>Parcels per hour</source>
            <translation>Parcels per hour</translation>
        </message>
        <message>
            <source>Median time per parcel</source>
            <translation>Median time per parcel</translation>
        </message>
        <message>
            <source>Errors per 100 items</source>
            <translation>Errors per 100 items</translation>
        </message>
        <message>
            <source>Stations online</source>
            <translation>Stations online</translation>
        </message>
        <message>
            <source>Open exceptions</source>
            <translation>Open exceptions</translation>
        </message>
        <message>
            <source>Parcels/h</source>
            <translation>Parcels/h</translation>
        </message>
        <message>
            <source>Median s</source>
            <translation>Median s</translation>
        </message>
        <message>
            <source>Wrong</source>
            <translation>Wrong</translation>
        </message>
        <message>
            <source>Unknown</source>
            <translation>Unknown</translation>
        </message>
        <message>
            <source>Over</source>
            <translation>Over</translation>
        </message>
        <message>
            <source>Errors/100</source>
            <translation>Errors/100</translation>
        </message>
        <message>
            <source>Packer</source>
            <translation>Packer</translation>
        </message>
        <message>
            <source>Station</source>
            <translation>Station</translation>
        </message>
        <message>
            <source>Online</source>
            <translation>Online</translation>
        </message>
        <message>
            <source>Last heartbeat</source>
            <translation>Last heartbeat</translation>
        </message>
        <message>
            <source>Pending</source>
            <translation>Pending</translation>
        </message>
        <message>
            <source>Oldest</source>
            <translation>Oldest</translation>
        </message>
        <message>
            <source>Account</source>
            <translation>Account</translation>
        </message>
        <message>
            <source>Marketplace</source>
            <translation>Marketplace</translation>
        </message>
        <message>
            <source>Client</source>
            <translation>Client</translation>
        </message>
        <message>
            <source>Last success</source>
            <translation>Last success</translation>
        </message>
        <message>
            <source>Waiting calls</source>
            <translation>Waiting calls</translation>
        </message>
        <message>
            <source>Failed calls</source>
            <translation>Failed calls</translation>
        </message>
        <message>
            <source>Last error</source>
            <translation>Last error</translation>
        </message>
        <message>
            <source>Packers</source>
            <translation>Packers</translation>
        </message>
        <message>
            <source>Stations</source>
            <translation>Stations</translation>
        </message>
        <message>
            <source>Station health</source>
            <translation>Station health</translation>
        </message>
        <message>
            <source>Marketplace sync</source>
            <translation>Marketplace sync</translation>
        </message>
        <message>
            <source>Exceptions</source>
            <translation>Exceptions</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Export</translation>
        </message>
        <message>
            <source>Exporting…</source>
            <translation>Exporting…</translation>
        </message>
        <message>
            <source>Saved {0}</source>
            <translation>Saved {0}</translation>
        </message>
        <message>
            <source>Not updated: {0}</source>
            <translation>Not updated: {0}</translation>
        </message>
        <message>
            <source>Parcels per day</source>
            <translation>Parcels per day</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>yes</translation>
        </message>
        <message>
            <source>NO</source>
            <translation>NO</translation>
        </message>
        <message>
            <source>Updated {0}</source>
            <translation>Updated {0}</translation>
        </message>
    </context>
    <context>
        <name>DatabasePage</name>
        <message>
            <source>Database</source>
            <extracomment>``test(shared)``: connect with the entered login; a message, or an exception that says why not.</extracomment>
            <translation>Database</translation>
        </message>
        <message>
            <source>This station alone: an embedded database on this computer</source>
            <translation>This station alone: an embedded database on this computer</translation>
        </message>
        <message>
            <source>A shared server: several stations of the warehouse use one database</source>
            <translation>A shared server: several stations of the warehouse use one database</translation>
        </message>
        <message>
            <source>e.g. 10.0.0.5 or db.warehouse.local</source>
            <translation>e.g. 10.0.0.5 or db.warehouse.local</translation>
        </message>
        <message>
            <source>this station's login, e.g. station_2</source>
            <translation>this station's login, e.g. station_2</translation>
        </message>
        <message>
            <source>The password is kept in this computer's keyring. Where there is no secure keyring, set the environment variable {0} instead.</source>
            <translation>The password is kept in this computer's keyring. Where there is no secure keyring, set the environment variable {0} instead.</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Test connection</translation>
        </message>
        <message>
            <source>Server address</source>
            <translation>Server address</translation>
        </message>
        <message>
            <source>Port</source>
            <translation>Port</translation>
        </message>
        <message>
            <source>Database name</source>
            <translation>Database name</translation>
        </message>
        <message>
            <source>Station user name</source>
            <translation>Station user name</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>Connecting…</source>
            <translation>Connecting…</translation>
        </message>
    </context>
    <context>
        <name>DifferencesDialog</name>
        <message>
            <source>Confirm the count</source>
            <translation>Confirm the count</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>Product</translation>
        </message>
        <message>
            <source>Books</source>
            <translation>Books</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>Counted</translation>
        </message>
        <message>
            <source>Difference</source>
            <translation>Difference</translation>
        </message>
        <message>
            <source>No differences: the books are right.</source>
            <translation>No differences: the books are right.</translation>
        </message>
        <message>
            <source>Each difference is saved as a count adjustment, under your name.</source>
            <translation>Each difference is saved as a count adjustment, under your name.</translation>
        </message>
    </context>
    <context>
        <name>EditLocationDialog</name>
        <message>
            <source>Change {0}</source>
            <translation>Change {0}</translation>
        </message>
        <message>
            <source>Sellable (clear for a quarantine area)</source>
            <translation>Sellable (clear for a quarantine area)</translation>
        </message>
        <message>
            <source>In use (clear to retire an empty location)</source>
            <translation>In use (clear to retire an empty location)</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>Barcode</translation>
        </message>
    </context>
    <context>
        <name>ExceptionQueuePanel</name>
        <message>
            <source>Since</source>
            <extracomment>An exception was assigned or resolved: the figures are out of date. An action failed; the exception says why. Show the photos of the selected exception's parcel (its package id).</extracomment>
            <translation>Since</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>Kind</translation>
        </message>
        <message>
            <source>Package</source>
            <translation>Package</translation>
        </message>
        <message>
            <source>Station</source>
            <translation>Station</translation>
        </message>
        <message>
            <source>Assigned to</source>
            <translation>Assigned to</translation>
        </message>
        <message>
            <source>What happened</source>
            <translation>What happened</translation>
        </message>
        <message>
            <source>Assign…</source>
            <translation>Assign…</translation>
        </message>
        <message>
            <source>Resolve…</source>
            <translation>Resolve…</translation>
        </message>
        <message>
            <source>Photos</source>
            <translation>Photos</translation>
        </message>
        <message>
            <source>Conflict</source>
            <translation>Conflict</translation>
        </message>
        <message>
            <source>Cancelled after packing</source>
            <translation>Cancelled after packing</translation>
        </message>
        <message>
            <source>Unsupplied</source>
            <translation>Unsupplied</translation>
        </message>
        <message>
            <source>Wrong item</source>
            <translation>Wrong item</translation>
        </message>
        <message>
            <source>Printer failure</source>
            <translation>Printer failure</translation>
        </message>
        <message>
            <source>Sync error</source>
            <translation>Sync error</translation>
        </message>
        <message>
            <source>Resolve exception</source>
            <translation>Resolve exception</translation>
        </message>
        <message>
            <source>What was done about it?</source>
            <translation>What was done about it?</translation>
        </message>
        <message>
            <source>Assign exception</source>
            <translation>Assign exception</translation>
        </message>
        <message>
            <source>Assign to</source>
            <translation>Assign to</translation>
        </message>
    </context>
    <context>
        <name>FirstRunWizard</name>
        <message>
            <source>PackStation: first start</source>
            <translation>PackStation: first start</translation>
        </message>
    </context>
    <context>
        <name>HomeView</name>
        <message>
            <source>ready to pack</source>
            <translation>ready to pack</translation>
        </message>
        <message>
            <source>packed today</source>
            <translation>packed today</translation>
        </message>
        <message>
            <source>packages in total</source>
            <translation>packages in total</translation>
        </message>
        <message>
            <source>Waiting to be packed (oldest first)</source>
            <translation>Waiting to be packed (oldest first)</translation>
        </message>
        <message>
            <source>the database is unreachable</source>
            <translation>the database is unreachable</translation>
        </message>
        <message>
            <source>see the log</source>
            <translation>see the log</translation>
        </message>
        <message>
            <source>Waiting to be packed (not refreshed: {reason})</source>
            <translation>Waiting to be packed (not refreshed: {reason})</translation>
        </message>
    </context>
    <context>
        <name>LocationDialog</name>
        <message>
            <source>New {0}</source>
            <translation>New {0}</translation>
        </message>
        <message>
            <source>e.g. A-01-3</source>
            <translation>e.g. A-01-3</translation>
        </message>
        <message>
            <source>empty: the station makes one (PSLOC…)</source>
            <translation>empty: the station makes one (PSLOC…)</translation>
        </message>
        <message>
            <source>Sellable (clear for a quarantine area)</source>
            <translation>Sellable (clear for a quarantine area)</translation>
        </message>
        <message>
            <source>Inside</source>
            <translation>Inside</translation>
        </message>
        <message>
            <source>Code</source>
            <translation>Code</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>Barcode</translation>
        </message>
    </context>
    <context>
        <name>LocationsPanel</name>
        <message>
            <source>Location</source>
            <translation>Location</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>Barcode</translation>
        </message>
        <message>
            <source>Units</source>
            <translation>Units</translation>
        </message>
        <message>
            <source>New warehouse…</source>
            <translation>New warehouse…</translation>
        </message>
        <message>
            <source>New zone…</source>
            <translation>New zone…</translation>
        </message>
        <message>
            <source>New bin…</source>
            <translation>New bin…</translation>
        </message>
        <message>
            <source>Change…</source>
            <translation>Change…</translation>
        </message>
        <message>
            <source>Choose a bin to see what it holds.</source>
            <translation>Choose a bin to see what it holds.</translation>
        </message>
        <message>
            <source>Stock code</source>
            <translation>Stock code</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>Product</translation>
        </message>
        <message>
            <source>Variant</source>
            <translation>Variant</translation>
        </message>
        <message>
            <source>Adjust…</source>
            <translation>Adjust…</translation>
        </message>
        <message>
            <source>Move to another bin…</source>
            <translation>Move to another bin…</translation>
        </message>
        <message>
            <source>sellable</source>
            <translation>sellable</translation>
        </message>
        <message>
            <source>quarantine: not sellable</source>
            <translation>quarantine: not sellable</translation>
        </message>
        <message>
            <source>Choose the {0} the new {1} goes in.</source>
            <translation>Choose the {0} the new {1} goes in.</translation>
        </message>
        <message>
            <source>{0} added (barcode {1}).</source>
            <translation>{0} added (barcode {1}).</translation>
        </message>
        <message>
            <source>Choose a location first.</source>
            <translation>Choose a location first.</translation>
        </message>
        <message>
            <source>{0} changed.</source>
            <translation>{0} changed.</translation>
        </message>
        <message>
            <source>Choose a bin first.</source>
            <translation>Choose a bin first.</translation>
        </message>
        <message>
            <source>No single product matches “{0}”.</source>
            <translation>No single product matches “{0}”.</translation>
        </message>
        <message>
            <source>Done: {0} → {1} in the bin.</source>
            <translation>Done: {0} → {1} in the bin.</translation>
        </message>
        <message>
            <source>Moved {0} of {1}.</source>
            <translation>Moved {0} of {1}.</translation>
        </message>
    </context>
    <context>
        <name>LoginFlow</name>
        <message>
            <source>Scan your badge to log in.</source>
            <extracomment>Milliseconds between checks of the idle log-out.</extracomment>
            <translation>Scan your badge to log in.</translation>
        </message>
        <message>
            <source>Demo badges: {0}</source>
            <translation>Demo badges: {0}</translation>
        </message>
        <message>
            <source>Supervisor approval: badge {0}, PIN {1} ({2}).</source>
            <translation>Supervisor approval: badge {0}, PIN {1} ({2}).</translation>
        </message>
        <message>
            <source>Ready. Scan a parcel to begin.</source>
            <translation>Ready. Scan a parcel to begin.</translation>
        </message>
        <message>
            <source>Logged out after a period of inactivity. Scan your badge.</source>
            <translation>Logged out after a period of inactivity. Scan your badge.</translation>
        </message>
        <message>
            <source>{0} is now logged in at this station (badge scanned); {1} was logged out.</source>
            <translation>{0} is now logged in at this station (badge scanned); {1} was logged out.</translation>
        </message>
    </context>
    <context>
        <name>LoginView</name>
        <message>
            <source>Log-in is not possible right now: {0}</source>
            <translation>Log-in is not possible right now: {0}</translation>
        </message>
        <message>
            <source>Scan your badge</source>
            <translation>Scan your badge</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <source>Packers: scan your badge</source>
            <translation>Packers: scan your badge</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>6-digit code (supervisors and admins)</source>
            <translation>6-digit code (supervisors and admins)</translation>
        </message>
        <message>
            <source>Log in</source>
            <translation>Log in</translation>
        </message>
        <message>
            <source>User name and password</source>
            <translation>User name and password</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>Authenticator code</source>
            <translation>Authenticator code</translation>
        </message>
        <message>
            <source>Scan your badge to start</source>
            <translation>Scan your badge to start</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>Enter user name and password</source>
            <translation>Enter user name and password</translation>
        </message>
        <message>
            <source>Welcome, {0}</source>
            <translation>Welcome, {0}</translation>
        </message>
    </context>
    <context>
        <name>LowStockPanel</name>
        <message>
            <source>Products low on stock</source>
            <extracomment>Emitted after each read with the products shown.</extracomment>
            <translation>Products low on stock</translation>
        </message>
        <message>
            <source>Available = on hand − reserved for parcels not packed yet. Cover: days the stock lasts at the</source>
            <translation>Available = on hand − reserved for parcels not packed yet. Cover: days the stock lasts at the</translation>
        </message>
        <message>
            <source>average daily outflow of the last 14 days.</source>
            <translation>average daily outflow of the last 14 days.</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>Product</translation>
        </message>
        <message>
            <source>Stock code</source>
            <translation>Stock code</translation>
        </message>
        <message>
            <source>Client</source>
            <translation>Client</translation>
        </message>
        <message>
            <source>Available</source>
            <translation>Available</translation>
        </message>
        <message>
            <source>Threshold</source>
            <translation>Threshold</translation>
        </message>
        <message>
            <source>Out per day</source>
            <translation>Out per day</translation>
        </message>
        <message>
            <source>Days of cover</source>
            <translation>Days of cover</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>PackStation — {0}</source>
            <translation>PackStation — {0}</translation>
        </message>
        <message>
            <source>PackStation</source>
            <translation>PackStation</translation>
        </message>
        <message>
            <source>Demo: embedded database, no marketplace account or printer needed</source>
            <translation>Demo: embedded database, no marketplace account or printer needed</translation>
        </message>
        <message>
            <source>Scan or type a tracking number, package id or order number</source>
            <translation>Scan or type a tracking number, package id or order number</translation>
        </message>
        <message>
            <source>Starting the database…</source>
            <translation>Starting the database…</translation>
        </message>
        <message>
            <source>Station: {0}</source>
            <translation>Station: {0}</translation>
        </message>
        <message>
            <source>Ready. Scan a parcel to begin.</source>
            <translation>Ready. Scan a parcel to begin.</translation>
        </message>
        <message>
            <source>Return left unfinished: nothing was recorded.</source>
            <translation>Return left unfinished: nothing was recorded.</translation>
        </message>
        <message>
            <source>The database could not be opened: {0}</source>
            <translation>The database could not be opened: {0}</translation>
        </message>
        <message>
            <source>Still starting: scan again in a moment.</source>
            <translation>Still starting: scan again in a moment.</translation>
        </message>
        <message>
            <source>Parcel complete. Scan the next parcel.</source>
            <translation>Parcel complete. Scan the next parcel.</translation>
        </message>
        <message>
            <source>Recorded. Scan the remaining items.</source>
            <translation>Recorded. Scan the remaining items.</translation>
        </message>
        <message>
            <source>ORDER CANCELLED: do not ship this parcel. Put the items back.</source>
            <translation>ORDER CANCELLED: do not ship this parcel. Put the items back.</translation>
        </message>
        <message>
            <source>Parcel put back. Scan the next parcel.</source>
            <translation>Parcel put back. Scan the next parcel.</translation>
        </message>
    </context>
    <context>
        <name>MarketplacePage</name>
        <message>
            <source>Marketplace account</source>
            <translation>Marketplace account</translation>
        </message>
        <message>
            <source>Optional: leave the name empty to add accounts later in the configuration file.</source>
            <translation>Optional: leave the name empty to add accounts later in the configuration file.</translation>
        </message>
        <message>
            <source>e.g. gullu-trendyol</source>
            <translation>e.g. gullu-trendyol</translation>
        </message>
        <message>
            <source>the company whose parcels these are</source>
            <translation>the company whose parcels these are</translation>
        </message>
        <message>
            <source>Account name</source>
            <translation>Account name</translation>
        </message>
        <message>
            <source>Marketplace</source>
            <translation>Marketplace</translation>
        </message>
        <message>
            <source>API address</source>
            <translation>API address</translation>
        </message>
        <message>
            <source>Seller id</source>
            <translation>Seller id</translation>
        </message>
        <message>
            <source>Client company</source>
            <translation>Client company</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>Test connection</translation>
        </message>
        <message>
            <source>Enter the account first</source>
            <translation>Enter the account first</translation>
        </message>
        <message>
            <source>Connecting…</source>
            <translation>Connecting…</translation>
        </message>
    </context>
    <context>
        <name>NewUserDialog</name>
        <message>
            <source>New user</source>
            <translation>New user</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>Full name</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>Role</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>Password</translation>
        </message>
    </context>
    <context>
        <name>PackCommands</name>
        <message>
            <source>No open parcel with missing items.</source>
            <extracomment>Seconds a reprint of a parcel in several boxes waits for a box number before it reprints every box. Takes a photo with the station's camera (PHOTO); None at a station without a camera.</extracomment>
            <translation>No open parcel with missing items.</translation>
        </message>
        <message>
            <source>{0} unit(s) cannot be supplied</source>
            <translation>{0} unit(s) cannot be supplied</translation>
        </message>
        <message>
            <source>seal this parcel without its photo</source>
            <translation>seal this parcel without its photo</translation>
        </message>
        <message>
            <source>complete this parcel without verifying every item</source>
            <translation>complete this parcel without verifying every item</translation>
        </message>
        <message>
            <source>Reprinting all {0} boxes. To reprint one box only, scan its number (1–{0}) now.</source>
            <translation>Reprinting all {0} boxes. To reprint one box only, scan its number (1–{0}) now.</translation>
        </message>
        <message>
            <source>Nothing to reprint: complete a parcel first.</source>
            <translation>Nothing to reprint: complete a parcel first.</translation>
        </message>
        <message>
            <source>reprint this label again</source>
            <translation>reprint this label again</translation>
        </message>
        <message>
            <source>Reprinting the label of {0}.</source>
            <translation>Reprinting the label of {0}.</translation>
        </message>
        <message>
            <source>Reprinting box {1}/{2} of {0}.</source>
            <translation>Reprinting box {1}/{2} of {0}.</translation>
        </message>
        <message>
            <source>Open a parcel first: a new box starts while packing one.</source>
            <translation>Open a parcel first: a new box starts while packing one.</translation>
        </message>
        <message>
            <source>This station has no camera ([camera] uri).</source>
            <translation>This station has no camera ([camera] uri).</translation>
        </message>
        <message>
            <source>This command needs a supervisor at this station.</source>
            <translation>This command needs a supervisor at this station.</translation>
        </message>
        <message>
            <source>Preview unavailable: {0}</source>
            <translation>Preview unavailable: {0}</translation>
        </message>
        <message>
            <source>Label queued.</source>
            <translation>Label queued.</translation>
        </message>
        <message>
            <source>Label printing…</source>
            <translation>Label printing…</translation>
        </message>
        <message>
            <source>Label printed.</source>
            <translation>Label printed.</translation>
        </message>
        <message>
            <source>Printer problem, retrying: {0}</source>
            <translation>Printer problem, retrying: {0}</translation>
        </message>
        <message>
            <source>LABEL NOT PRINTED: {0}. Scan REPRINT when the printer is ready.</source>
            <translation>LABEL NOT PRINTED: {0}. Scan REPRINT when the printer is ready.</translation>
        </message>
        <message>
            <source>Label printed, but it may have come out twice: stick one and throw the other away.</source>
            <translation>Label printed, but it may have come out twice: stick one and throw the other away.</translation>
        </message>
        <message>
            <source>Complete! The label is printed.</source>
            <translation>Complete! The label is printed.</translation>
        </message>
        <message>
            <source>LABEL NOT PRINTED: {0}. Scan REPRINT to try again.</source>
            <translation>LABEL NOT PRINTED: {0}. Scan REPRINT to try again.</translation>
        </message>
        <message>
            <source>Label not printed: {0}</source>
            <translation>Label not printed: {0}</translation>
        </message>
        <message>
            <source>Package {0} was split by the marketplace: wait for the new label before shipping.</source>
            <translation>Package {0} was split by the marketplace: wait for the new label before shipping.</translation>
        </message>
        <message>
            <source>New package {0} replaces {1}: put the NEW label on the parcel and discard the old one.</source>
            <translation>New package {0} replaces {1}: put the NEW label on the parcel and discard the old one.</translation>
        </message>
        <message>
            <source>Another printer</source>
            <translation>Another printer</translation>
        </message>
        <message>
            <source>Printer address (e.g. tcp://10.0.0.32:9100):</source>
            <translation>Printer address (e.g. tcp://10.0.0.32:9100):</translation>
        </message>
        <message>
            <source>The label goes to {0}.</source>
            <translation>The label goes to {0}.</translation>
        </message>
        <message>
            <source>send the label to another printer</source>
            <translation>send the label to another printer</translation>
        </message>
    </context>
    <context>
        <name>PackPhotos</name>
        <message>
            <source>Open a parcel first: a photo belongs to a parcel.</source>
            <translation>Open a parcel first: a photo belongs to a parcel.</translation>
        </message>
        <message>
            <source>All items verified. Photograph the open parcel before sealing it: press F1 or scan “Take a photo”.</source>
            <translation>All items verified. Photograph the open parcel before sealing it: press F1 or scan “Take a photo”.</translation>
        </message>
        <message>
            <source>The database is unreachable: the photo is kept on this station and stored later.</source>
            <translation>The database is unreachable: the photo is kept on this station and stored later.</translation>
        </message>
        <message>
            <source>Photo saved. Sealing the parcel…</source>
            <translation>Photo saved. Sealing the parcel…</translation>
        </message>
        <message>
            <source>Photo saved for parcel {0}.</source>
            <translation>Photo saved for parcel {0}.</translation>
        </message>
        <message>
            <source>Photo saved with the return.</source>
            <translation>Photo saved with the return.</translation>
        </message>
        <message>
            <source>Photo not saved: {0}. Take it again.</source>
            <translation>Photo not saved: {0}. Take it again.</translation>
        </message>
        <message>
            <source>No photo: {0}</source>
            <translation>No photo: {0}</translation>
        </message>
    </context>
    <context>
        <name>PackView</name>
        <message>
            <source>Product</source>
            <extracomment>Units of each line in each box (box number -&gt; line id -&gt; units), from the accepted scans. Every item is verified and the parcel waits for its photo before it is sealed.</extracomment>
            <translation>Product</translation>
        </message>
        <message>
            <source>Colour</source>
            <translation>Colour</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>Size</translation>
        </message>
        <message>
            <source>Bin</source>
            <translation>Bin</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>Barcode</translation>
        </message>
        <message>
            <source>Scanned</source>
            <translation>Scanned</translation>
        </message>
        <message>
            <source>Boxes</source>
            <translation>Boxes</translation>
        </message>
        <message>
            <source>The label appears here when the parcel is complete.</source>
            <translation>The label appears here when the parcel is complete.</translation>
        </message>
        <message>
            <source>Retry printing</source>
            <translation>Retry printing</translation>
        </message>
        <message>
            <source>Send to another printer…</source>
            <translation>Send to another printer…</translation>
        </message>
        <message>
            <source>ORDER CANCELLED
DO NOT SHIP

Put the items back and scan the abort command.</source>
            <translation>ORDER CANCELLED
DO NOT SHIP

Put the items back and scan the abort command.</translation>
        </message>
        <message>
            <source>Order {0} · Package {1}</source>
            <translation>Order {0} · Package {1}</translation>
        </message>
        <message>
            <source>Box {0}</source>
            <translation>Box {0}</translation>
        </message>
        <message>
            <source>Box {0} · {1} ({2}, {3} desi)</source>
            <translation>Box {0} · {1} ({2}, {3} desi)</translation>
        </message>
        <message>
            <source>Complete! Making the label…</source>
            <translation>Complete! Making the label…</translation>
        </message>
    </context>
    <context>
        <name>PackageStatus</name>
        <message>
            <source>New</source>
            <translation>New</translation>
        </message>
        <message>
            <source>Awaiting</source>
            <translation>Awaiting</translation>
        </message>
        <message>
            <source>Being packed</source>
            <translation>Being packed</translation>
        </message>
        <message>
            <source>Invoiced</source>
            <translation>Invoiced</translation>
        </message>
        <message>
            <source>Shipped</source>
            <translation>Shipped</translation>
        </message>
        <message>
            <source>Delivered</source>
            <translation>Delivered</translation>
        </message>
        <message>
            <source>Cancelled</source>
            <translation>Cancelled</translation>
        </message>
        <message>
            <source>Unsupplied</source>
            <translation>Unsupplied</translation>
        </message>
        <message>
            <source>Returned</source>
            <translation>Returned</translation>
        </message>
    </context>
    <context>
        <name>PackageTableModel</name>
        <message>
            <source>Tracking number</source>
            <translation>Tracking number</translation>
        </message>
        <message>
            <source>Order</source>
            <translation>Order</translation>
        </message>
        <message>
            <source>Package</source>
            <translation>Package</translation>
        </message>
        <message>
            <source>Customer</source>
            <translation>Customer</translation>
        </message>
        <message>
            <source>City / district</source>
            <translation>City / district</translation>
        </message>
        <message>
            <source>Items</source>
            <translation>Items</translation>
        </message>
        <message>
            <source>Carrier</source>
            <translation>Carrier</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
    </context>
    <context>
        <name>ParkedPanel</name>
        <message>
            <source>Station</source>
            <translation>Station</translation>
        </message>
        <message>
            <source>Operation</source>
            <translation>Operation</translation>
        </message>
        <message>
            <source>Package</source>
            <translation>Package</translation>
        </message>
        <message>
            <source>Happened</source>
            <translation>Happened</translation>
        </message>
        <message>
            <source>Decision</source>
            <translation>Decision</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>Error</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Retry</translation>
        </message>
        <message>
            <source>Discard…</source>
            <translation>Discard…</translation>
        </message>
        <message>
            <source>retry asked</source>
            <translation>retry asked</translation>
        </message>
        <message>
            <source>discard asked</source>
            <translation>discard asked</translation>
        </message>
        <message>
            <source>{0} operation(s) stuck</source>
            <translation>{0} operation(s) stuck</translation>
        </message>
        <message>
            <source>Log in to decide about a stuck operation.</source>
            <translation>Log in to decide about a stuck operation.</translation>
        </message>
        <message>
            <source>Discard operation</source>
            <translation>Discard operation</translation>
        </message>
        <message>
            <source>The operation will never reach the database. Discard it?</source>
            <translation>The operation will never reach the database. Discard it?</translation>
        </message>
    </context>
    <context>
        <name>PhotosPanel</name>
        <message>
            <source>Package id, tracking number or order number</source>
            <translation>Package id, tracking number or order number</translation>
        </message>
        <message>
            <source>Show photos</source>
            <translation>Show photos</translation>
        </message>
        <message>
            <source>Loading the photos of {0}…</source>
            <translation>Loading the photos of {0}…</translation>
        </message>
        <message>
            <source>Photos not loaded: {0}</source>
            <translation>Photos not loaded: {0}</translation>
        </message>
        <message>
            <source>{0}: {1} photo(s).</source>
            <translation>{0}: {1} photo(s).</translation>
        </message>
        <message>
            <source>{0}: no photos.</source>
            <translation>{0}: no photos.</translation>
        </message>
    </context>
    <context>
        <name>PrinterPage</name>
        <message>
            <source>Label printer</source>
            <translation>Label printer</translation>
        </message>
        <message>
            <source>A Zebra-compatible printer: tcp://10.0.0.31:9100, serial:///dev/ttyUSB0, cups://QUEUE; or an office printer installed on this computer (PDF labels): qt://PRINTER NAME.</source>
            <translation>A Zebra-compatible printer: tcp://10.0.0.31:9100, serial:///dev/ttyUSB0, cups://QUEUE; or an office printer installed on this computer (PDF labels): qt://PRINTER NAME.</translation>
        </message>
        <message>
            <source>empty: labels only go to the spool folder</source>
            <translation>empty: labels only go to the spool folder</translation>
        </message>
        <message>
            <source>Choose an office printer…</source>
            <translation>Choose an office printer…</translation>
        </message>
        <message>
            <source>No office printer is installed on this computer</source>
            <translation>No office printer is installed on this computer</translation>
        </message>
        <message>
            <source>Print a test label</source>
            <translation>Print a test label</translation>
        </message>
        <message>
            <source>Printer address</source>
            <translation>Printer address</translation>
        </message>
        <message>
            <source>Office printer</source>
            <translation>Office printer</translation>
        </message>
        <message>
            <source>Resolution</source>
            <translation>Resolution</translation>
        </message>
        <message>
            <source>Label size</source>
            <translation>Label size</translation>
        </message>
        <message>
            <source>Invalid printer address: {0}</source>
            <translation>Invalid printer address: {0}</translation>
        </message>
        <message>
            <source>Enter the printer address first</source>
            <translation>Enter the printer address first</translation>
        </message>
        <message>
            <source>Printing…</source>
            <translation>Printing…</translation>
        </message>
    </context>
    <context>
        <name>RejectDialog</name>
        <message>
            <source>Reject returned items</source>
            <extracomment>The marketplace's cap on a rejection's description (Trendyol: 500 characters).</extracomment>
            <translation>Reject returned items</translation>
        </message>
        <message>
            <source>What was found (at most 500 characters)</source>
            <translation>What was found (at most 500 characters)</translation>
        </message>
        <message>
            <source>The marketplace's reason:</source>
            <translation>The marketplace's reason:</translation>
        </message>
        <message>
            <source>Description for the marketplace:</source>
            <translation>Description for the marketplace:</translation>
        </message>
        <message>
            <source>{0} / 500 characters</source>
            <translation>{0} / 500 characters</translation>
        </message>
    </context>
    <context>
        <name>ReturnController</name>
        <message>
            <source>Claim {0} has no returned items waiting for a decision.</source>
            <extracomment>Command barcodes that set the condition of the unit scanned last. Their keyboard twins (F5: the units not scanned are missing). Scans that arrived while a code was being looked up: replayed in order once it is answered. Evidence for a rejection: ids of the photos taken of this return (or file paths). Takes a photo with the station's camera (PHOTO); None at a station without a camera.</extracomment>
            <translation>Claim {0} has no returned items waiting for a decision.</translation>
        </message>
        <message>
            <source>Return of order {0}: scan each returned item.</source>
            <translation>Return of order {0}: scan each returned item.</translation>
        </message>
        <message>
            <source>Recording the return: scan again in a moment.</source>
            <translation>Recording the return: scan again in a moment.</translation>
        </message>
        <message>
            <source>{0}: resellable. {1} item(s) left to scan.</source>
            <translation>{0}: resellable. {1} item(s) left to scan.</translation>
        </message>
        <message>
            <source>NOT OURS: {0} is not on this claim. Put it aside.</source>
            <translation>NOT OURS: {0} is not on this claim. Put it aside.</translation>
        </message>
        <message>
            <source>Unreadable scan: scan the item again.</source>
            <translation>Unreadable scan: scan the item again.</translation>
        </message>
        <message>
            <source>Return left unfinished: nothing was recorded.</source>
            <translation>Return left unfinished: nothing was recorded.</translation>
        </message>
        <message>
            <source>This command does not apply to a return.</source>
            <translation>This command does not apply to a return.</translation>
        </message>
        <message>
            <source>Scan an item first, then its condition.</source>
            <translation>Scan an item first, then its condition.</translation>
        </message>
        <message>
            <source>{0}: {1}.</source>
            <translation>{0}: {1}.</translation>
        </message>
        <message>
            <source>{0} item(s) marked missing: not in the box.</source>
            <translation>{0} item(s) marked missing: not in the box.</translation>
        </message>
        <message>
            <source>{0} claimed item(s) not scanned: scan them, or scan MISSING (F5) if they are not in the box.</source>
            <translation>{0} claimed item(s) not scanned: scan them, or scan MISSING (F5) if they are not in the box.</translation>
        </message>
        <message>
            <source>The marketplace lists no reasons for rejecting returns: judge every item resellable, or ask a supervisor.</source>
            <translation>The marketplace lists no reasons for rejecting returns: judge every item resellable, or ask a supervisor.</translation>
        </message>
        <message>
            <source>reject {0} returned item(s) at the marketplace</source>
            <translation>reject {0} returned item(s) at the marketplace</translation>
        </message>
        <message>
            <source>Return recorded: {0} item(s) back to stock, {1} rejected.</source>
            <translation>Return recorded: {0} item(s) back to stock, {1} rejected.</translation>
        </message>
    </context>
    <context>
        <name>ReturnView</name>
        <message>
            <source>Product</source>
            <extracomment>Row colours per condition (a unit not judged yet stays white).</extracomment>
            <translation>Product</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>Barcode</translation>
        </message>
        <message>
            <source>Customer's reason</source>
            <translation>Customer's reason</translation>
        </message>
        <message>
            <source>Claim item</source>
            <translation>Claim item</translation>
        </message>
        <message>
            <source>Condition</source>
            <translation>Condition</translation>
        </message>
        <message>
            <source>Scan each returned item. The item scanned last: F2 resellable, F3 damaged, F4 wrong item. F5 missing: the items not scanned are not in the box. Then scan COMPLETE; ABORT leaves the return.</source>
            <translation>Scan each returned item. The item scanned last: F2 resellable, F3 damaged, F4 wrong item. F5 missing: the items not scanned are not in the box. Then scan COMPLETE; ABORT leaves the return.</translation>
        </message>
        <message>
            <source>F1 or “Take a photo”: a photo of the item or the box, sent with a rejection.</source>
            <translation>F1 or “Take a photo”: a photo of the item or the box, sent with a rejection.</translation>
        </message>
        <message>
            <source>Resellable</source>
            <translation>Resellable</translation>
        </message>
        <message>
            <source>Damaged</source>
            <translation>Damaged</translation>
        </message>
        <message>
            <source>Wrong item</source>
            <translation>Wrong item</translation>
        </message>
        <message>
            <source>Missing</source>
            <translation>Missing</translation>
        </message>
        <message>
            <source>Not scanned yet</source>
            <translation>Not scanned yet</translation>
        </message>
        <message>
            <source>RETURN {0} · order {1}</source>
            <translation>RETURN {0} · order {1}</translation>
        </message>
        <message>
            <source>Sent as parcel {0} ({1})</source>
            <translation>Sent as parcel {0} ({1})</translation>
        </message>
        <message>
            <source>The original parcel is not in this database</source>
            <translation>The original parcel is not in this database</translation>
        </message>
        <message>
            <source>Return opened: scan each returned item.</source>
            <translation>Return opened: scan each returned item.</translation>
        </message>
        <message>
            <source>Not ours (not on the claim): {0}</source>
            <translation>Not ours (not on the claim): {0}</translation>
        </message>
    </context>
    <context>
        <name>ReturnsTile</name>
        <message>
            <source>Returns today</source>
            <translation>Returns today</translation>
        </message>
        <message>
            <source>Returns today: {0} back to stock, {1} rejected; {2} waiting</source>
            <translation>Returns today: {0} back to stock, {1} rejected; {2} waiting</translation>
        </message>
    </context>
    <context>
        <name>Role</name>
        <message>
            <source>packer</source>
            <translation>packer</translation>
        </message>
        <message>
            <source>supervisor</source>
            <translation>supervisor</translation>
        </message>
        <message>
            <source>admin</source>
            <translation>admin</translation>
        </message>
    </context>
    <context>
        <name>ScannerPage</name>
        <message>
            <source>Barcode scanner</source>
            <translation>Barcode scanner</translation>
        </message>
        <message>
            <source>Scan any barcode into the test field: the text must match the barcode.</source>
            <translation>Scan any barcode into the test field: the text must match the barcode.</translation>
        </message>
        <message>
            <source>keyboard, or serial:///dev/ttyACM0?baud=9600</source>
            <translation>keyboard, or serial:///dev/ttyACM0?baud=9600</translation>
        </message>
        <message>
            <source>Test scan: scan a barcode here</source>
            <translation>Test scan: scan a barcode here</translation>
        </message>
        <message>
            <source>Scanner</source>
            <translation>Scanner</translation>
        </message>
        <message>
            <source>Read: {0} ({1} characters)</source>
            <translation>Read: {0} ({1} characters)</translation>
        </message>
        <message>
            <source>Repaired from the Turkish-Q keyboard layout: {0}</source>
            <translation>Repaired from the Turkish-Q keyboard layout: {0}</translation>
        </message>
        <message>
            <source>Invalid scanner address: {0}</source>
            <translation>Invalid scanner address: {0}</translation>
        </message>
    </context>
    <context>
        <name>StationPage</name>
        <message>
            <source>This station</source>
            <translation>This station</translation>
        </message>
        <message>
            <source>Every station sharing a database needs its own name.</source>
            <translation>Every station sharing a database needs its own name.</translation>
        </message>
        <message>
            <source>System language</source>
            <translation>System language</translation>
        </message>
        <message>
            <source>High contrast (yellow and white on black)</source>
            <translation>High contrast (yellow and white on black)</translation>
        </message>
        <message>
            <source>Station name</source>
            <translation>Station name</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>Language</translation>
        </message>
        <message>
            <source>Text size</source>
            <translation>Text size</translation>
        </message>
        <message>
            <source>Language and look take effect when the window opens.</source>
            <translation>Language and look take effect when the window opens.</translation>
        </message>
        <message>
            <source>Enter a station name (at most 64 characters)</source>
            <translation>Enter a station name (at most 64 characters)</translation>
        </message>
    </context>
    <context>
        <name>StationSetupWizard</name>
        <message>
            <source>PackStation: set up this station</source>
            <translation>PackStation: set up this station</translation>
        </message>
    </context>
    <context>
        <name>StationStatusBar</name>
        <message>
            <source>User: not logged in</source>
            <translation>User: not logged in</translation>
        </message>
        <message>
            <source>Database: starting…</source>
            <translation>Database: starting…</translation>
        </message>
        <message>
            <source>Pending: –</source>
            <translation>Pending: –</translation>
        </message>
        <message>
            <source>Sync: no marketplace accounts</source>
            <translation>Sync: no marketplace accounts</translation>
        </message>
        <message>
            <source>User: {0} ({1})</source>
            <translation>User: {0} ({1})</translation>
        </message>
        <message>
            <source>Database: online ({0})</source>
            <translation>Database: online ({0})</translation>
        </message>
        <message>
            <source>Sync: {0} account(s)</source>
            <translation>Sync: {0} account(s)</translation>
        </message>
        <message>
            <source>Database: unavailable</source>
            <translation>Database: unavailable</translation>
        </message>
        <message>
            <source>Database: OFFLINE — {0}</source>
            <translation>Database: OFFLINE — {0}</translation>
        </message>
        <message>
            <source>OFFLINE: the database cannot be reached. Packing continues from this station's copy; {0} operation(s) will upload when it is back.</source>
            <translation>OFFLINE: the database cannot be reached. Packing continues from this station's copy; {0} operation(s) will upload when it is back.</translation>
        </message>
        <message>
            <source>Pending: 0</source>
            <translation>Pending: 0</translation>
        </message>
        <message>
            <source> (oldest {0} s)</source>
            <translation> (oldest {0} s)</translation>
        </message>
        <message>
            <source>Pending: {0}</source>
            <translation>Pending: {0}</translation>
        </message>
        <message>
            <source>Stuck: {0}</source>
            <translation>Stuck: {0}</translation>
        </message>
        <message>
            <source>Labels waiting: {0} (oldest {1} s)</source>
            <translation>Labels waiting: {0} (oldest {1} s)</translation>
        </message>
        <message>
            <source>Sync: running ({0})</source>
            <translation>Sync: running ({0})</translation>
        </message>
        <message>
            <source>Sync: error at {0}: {1}</source>
            <translation>Sync: error at {0}: {1}</translation>
        </message>
        <message>
            <source>Sync: OK at {0}</source>
            <translation>Sync: OK at {0}</translation>
        </message>
    </context>
    <context>
        <name>StationsView</name>
        <message>
            <source>Station</source>
            <translation>Station</translation>
        </message>
        <message>
            <source>Computer</source>
            <translation>Computer</translation>
        </message>
        <message>
            <source>State</source>
            <translation>State</translation>
        </message>
        <message>
            <source>Last heartbeat</source>
            <translation>Last heartbeat</translation>
        </message>
        <message>
            <source>Waiting to upload</source>
            <translation>Waiting to upload</translation>
        </message>
        <message>
            <source>Parcels held</source>
            <translation>Parcels held</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>Release its parcels</source>
            <translation>Release its parcels</translation>
        </message>
        <message>
            <source>{0} s ago</source>
            <translation>{0} s ago</translation>
        </message>
        <message>
            <source> (oldest {0} min)</source>
            <translation> (oldest {0} min)</translation>
        </message>
        <message>
            <source>online</source>
            <translation>online</translation>
        </message>
        <message>
            <source>OFFLINE</source>
            <translation>OFFLINE</translation>
        </message>
        <message>
            <source>{0} station(s)</source>
            <translation>{0} station(s)</translation>
        </message>
        <message>
            <source>Choose a station first.</source>
            <translation>Choose a station first.</translation>
        </message>
        <message>
            <source>Release parcels</source>
            <translation>Release parcels</translation>
        </message>
        <message>
            <source>Release the {0} parcel(s) station {1} holds? Do this only if that station is really gone.</source>
            <translation>Release the {0} parcel(s) station {1} holds? Do this only if that station is really gone.</translation>
        </message>
        <message>
            <source>{0} parcel(s) released.</source>
            <translation>{0} parcel(s) released.</translation>
        </message>
    </context>
    <context>
        <name>Stock</name>
        <message>
            <source>warehouse</source>
            <translation>warehouse</translation>
        </message>
        <message>
            <source>zone</source>
            <translation>zone</translation>
        </message>
        <message>
            <source>bin</source>
            <translation>bin</translation>
        </message>
        <message>
            <source>packed</source>
            <translation>packed</translation>
        </message>
        <message>
            <source>count</source>
            <translation>count</translation>
        </message>
        <message>
            <source>damage</source>
            <translation>damage</translation>
        </message>
        <message>
            <source>found</source>
            <translation>found</translation>
        </message>
        <message>
            <source>return</source>
            <translation>return</translation>
        </message>
        <message>
            <source>transfer</source>
            <translation>transfer</translation>
        </message>
        <message>
            <source>quarantine</source>
            <translation>quarantine</translation>
        </message>
        <message>
            <source>import</source>
            <translation>import</translation>
        </message>
    </context>
    <context>
        <name>StockFilesPanel</name>
        <message>
            <source>Stock files: client, stock_code, name, colour, size, barcodes, warehouse, zone, bin, quantity,</source>
            <translation>Stock files: client, stock_code, name, colour, size, barcodes, warehouse, zone, bin, quantity,</translation>
        </message>
        <message>
            <source>Locations files: warehouse, zone, bin, barcode, name, sellable.</source>
            <translation>Locations files: warehouse, zone, bin, barcode, name, sellable.</translation>
        </message>
        <message>
            <source>Separated by ';', ',' or Tab, saved as CSV UTF-8. A file with any bad line imports nothing.</source>
            <translation>Separated by ';', ',' or Tab, saved as CSV UTF-8. A file with any bad line imports nothing.</translation>
        </message>
        <message>
            <source>Check a file…</source>
            <translation>Check a file…</translation>
        </message>
        <message>
            <source>Import a file…</source>
            <translation>Import a file…</translation>
        </message>
        <message>
            <source>Export stock…</source>
            <translation>Export stock…</translation>
        </message>
        <message>
            <source>Export locations…</source>
            <translation>Export locations…</translation>
        </message>
        <message>
            <source>Stock CSV file</source>
            <translation>Stock CSV file</translation>
        </message>
        <message>
            <source>Reading {0}…</source>
            <translation>Reading {0}…</translation>
        </message>
        <message>
            <source>{0}: {1} problem(s), nothing was imported.</source>
            <translation>{0}: {1} problem(s), nothing was imported.</translation>
        </message>
        <message>
            <source>checked, nothing changed</source>
            <translation>checked, nothing changed</translation>
        </message>
        <message>
            <source>imported</source>
            <translation>imported</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Export</translation>
        </message>
        <message>
            <source>Saved {0}</source>
            <translation>Saved {0}</translation>
        </message>
    </context>
    <context>
        <name>StockProductsPanel</name>
        <message>
            <source>Stock code, barcode or part of the name</source>
            <translation>Stock code, barcode or part of the name</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>Product</translation>
        </message>
        <message>
            <source>Stock code</source>
            <translation>Stock code</translation>
        </message>
        <message>
            <source>On hand</source>
            <translation>On hand</translation>
        </message>
        <message>
            <source>Reserved</source>
            <translation>Reserved</translation>
        </message>
        <message>
            <source>Available</source>
            <translation>Available</translation>
        </message>
        <message>
            <source>Threshold</source>
            <translation>Threshold</translation>
        </message>
        <message>
            <source>Bins</source>
            <translation>Bins</translation>
        </message>
        <message>
            <source>Find</source>
            <translation>Find</translation>
        </message>
        <message>
            <source>Threshold…</source>
            <translation>Threshold…</translation>
        </message>
        <message>
            <source>Default low-stock threshold</source>
            <translation>Default low-stock threshold</translation>
        </message>
        <message>
            <source>Save default</source>
            <translation>Save default</translation>
        </message>
        <message>
            <source>default</source>
            <translation>default</translation>
        </message>
        <message>
            <source>No product matches.</source>
            <translation>No product matches.</translation>
        </message>
        <message>
            <source>Choose a product first.</source>
            <translation>Choose a product first.</translation>
        </message>
        <message>
            <source>Threshold of {0} saved.</source>
            <translation>Threshold of {0} saved.</translation>
        </message>
        <message>
            <source>Default threshold saved: {0}.</source>
            <translation>Default threshold saved: {0}.</translation>
        </message>
    </context>
    <context>
        <name>StockView</name>
        <message>
            <source>Locations</source>
            <translation>Locations</translation>
        </message>
        <message>
            <source>Products</source>
            <translation>Products</translation>
        </message>
        <message>
            <source>Import / export</source>
            <translation>Import / export</translation>
        </message>
    </context>
    <context>
        <name>SupervisorPages</name>
        <message>
            <source>open the supervisor dashboard</source>
            <extracomment>Journal operations PostgreSQL refused, for a supervisor to retry or discard (a dashboard tab). Locations, levels, thresholds and the CSV files (F8), and count mode (F7). Today's returns and the claims waiting for the bench (the dashboard's returns tile). Photo evidence of parcels and returns (the dashboard's Photos tab). The warehouse's time zone (``[station] time_zone``): when photos were taken.</extracomment>
            <translation>open the supervisor dashboard</translation>
        </message>
        <message>
            <source>Stuck operations</source>
            <translation>Stuck operations</translation>
        </message>
        <message>
            <source>Dashboard. Press Escape to go back to packing.</source>
            <translation>Dashboard. Press Escape to go back to packing.</translation>
        </message>
        <message>
            <source>Photos</source>
            <translation>Photos</translation>
        </message>
        <message>
            <source>Low stock</source>
            <translation>Low stock</translation>
        </message>
        <message>
            <source>Stock. Press Escape to go back to packing.</source>
            <translation>Stock. Press Escape to go back to packing.</translation>
        </message>
        <message>
            <source>count stock</source>
            <translation>count stock</translation>
        </message>
        <message>
            <source>Count mode: scan a bin's label. Press Escape to go back to packing.</source>
            <translation>Count mode: scan a bin's label. Press Escape to go back to packing.</translation>
        </message>
        <message>
            <source>manage users</source>
            <translation>manage users</translation>
        </message>
        <message>
            <source>Users. Press Escape to go back to packing.</source>
            <translation>Users. Press Escape to go back to packing.</translation>
        </message>
        <message>
            <source>manage stations</source>
            <translation>manage stations</translation>
        </message>
        <message>
            <source>Stations. Press Escape to go back to packing.</source>
            <translation>Stations. Press Escape to go back to packing.</translation>
        </message>
        <message>
            <source>No marketplace account is configured at this station.</source>
            <translation>No marketplace account is configured at this station.</translation>
        </message>
        <message>
            <source>Marketplace sync. Press Escape to go back to packing.</source>
            <translation>Marketplace sync. Press Escape to go back to packing.</translation>
        </message>
    </context>
    <context>
        <name>SyncPanel</name>
        <message>
            <source>Account</source>
            <extracomment>``sync_now(account)``: start a sync of one account, or of all when None (returns at once).</extracomment>
            <translation>Account</translation>
        </message>
        <message>
            <source>Last success</source>
            <translation>Last success</translation>
        </message>
        <message>
            <source>Orders (new / updated)</source>
            <translation>Orders (new / updated)</translation>
        </message>
        <message>
            <source>Outbox</source>
            <translation>Outbox</translation>
        </message>
        <message>
            <source>State</source>
            <translation>State</translation>
        </message>
        <message>
            <source>Last error</source>
            <translation>Last error</translation>
        </message>
        <message>
            <source>Sync now</source>
            <translation>Sync now</translation>
        </message>
        <message>
            <source>{account}: {error}</source>
            <translation>{account}: {error}</translation>
        </message>
        <message>
            <source>Sync requested…</source>
            <translation>Sync requested…</translation>
        </message>
        <message>
            <source>Sync could not start: {error}</source>
            <translation>Sync could not start: {error}</translation>
        </message>
        <message>
            <source>Syncing {accounts}</source>
            <translation>Syncing {accounts}</translation>
        </message>
        <message>
            <source>running, {pages} page(s)</source>
            <translation>running, {pages} page(s)</translation>
        </message>
        <message>
            <source>idle</source>
            <translation>idle</translation>
        </message>
        <message>
            <source>never</source>
            <translation>never</translation>
        </message>
        <message>
            <source>{pending} pending, {failed} failed</source>
            <translation>{pending} pending, {failed} failed</translation>
        </message>
        <message>
            <source>Sync state could not be loaded: {error}</source>
            <translation>Sync state could not be loaded: {error}</translation>
        </message>
    </context>
    <context>
        <name>ThresholdDialog</name>
        <message>
            <source>Low-stock threshold of {0}</source>
            <translation>Low-stock threshold of {0}</translation>
        </message>
        <message>
            <source>Use the default ({0})</source>
            <translation>Use the default ({0})</translation>
        </message>
        <message>
            <source>Alert at or below</source>
            <translation>Alert at or below</translation>
        </message>
    </context>
    <context>
        <name>ThroughputChart</name>
        <message>
            <source>Parcels</source>
            <translation>Parcels</translation>
        </message>
    </context>
    <context>
        <name>TotpEnrolDialog</name>
        <message>
            <source>Two-factor set-up for {0}</source>
            <translation>Two-factor set-up for {0}</translation>
        </message>
    </context>
    <context>
        <name>TotpPanel</name>
        <message>
            <source>Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, …), then type the 6-digit code it shows.</source>
            <translation>Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, …), then type the 6-digit code it shows.</translation>
        </message>
        <message>
            <source>Or type this key: {0}</source>
            <translation>Or type this key: {0}</translation>
        </message>
        <message>
            <source>6-digit code</source>
            <translation>6-digit code</translation>
        </message>
    </context>
    <context>
        <name>TransferDialog</name>
        <message>
            <source>Move stock out of {0}</source>
            <translation>Move stock out of {0}</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>Product</translation>
        </message>
        <message>
            <source>Units</source>
            <translation>Units</translation>
        </message>
        <message>
            <source>To bin</source>
            <translation>To bin</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>Note</translation>
        </message>
    </context>
    <context>
        <name>UnsuppliedDialog</name>
        <message>
            <source>Item cannot be supplied</source>
            <translation>Item cannot be supplied</translation>
        </message>
        <message>
            <source>{0} ({1} left)</source>
            <translation>{0} ({1} left)</translation>
        </message>
        <message>
            <source>Out of stock</source>
            <translation>Out of stock</translation>
        </message>
        <message>
            <source>Defective</source>
            <translation>Defective</translation>
        </message>
        <message>
            <source>Wrong price</source>
            <translation>Wrong price</translation>
        </message>
        <message>
            <source>Integration error</source>
            <translation>Integration error</translation>
        </message>
        <message>
            <source>Bulk purchase</source>
            <translation>Bulk purchase</translation>
        </message>
        <message>
            <source>Force majeure</source>
            <translation>Force majeure</translation>
        </message>
        <message>
            <source>Other</source>
            <translation>Other</translation>
        </message>
        <message>
            <source>A supervisor must approve this. The marketplace is told which items are missing.</source>
            <translation>A supervisor must approve this. The marketplace is told which items are missing.</translation>
        </message>
        <message>
            <source>Item</source>
            <translation>Item</translation>
        </message>
        <message>
            <source>Missing</source>
            <translation>Missing</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>Note</translation>
        </message>
    </context>
    <context>
        <name>UsersView</name>
        <message>
            <source>User name</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>Role</translation>
        </message>
        <message>
            <source>Active</source>
            <translation>Active</translation>
        </message>
        <message>
            <source>Badge</source>
            <translation>Badge</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>PIN</translation>
        </message>
        <message>
            <source>2FA</source>
            <translation>2FA</translation>
        </message>
        <message>
            <source>Locked until</source>
            <translation>Locked until</translation>
        </message>
        <message>
            <source>New user…</source>
            <translation>New user…</translation>
        </message>
        <message>
            <source>Disable / enable</source>
            <translation>Disable / enable</translation>
        </message>
        <message>
            <source>Reset password…</source>
            <translation>Reset password…</translation>
        </message>
        <message>
            <source>Unlock</source>
            <translation>Unlock</translation>
        </message>
        <message>
            <source>Enrol badge…</source>
            <translation>Enrol badge…</translation>
        </message>
        <message>
            <source>Enrol 2FA…</source>
            <translation>Enrol 2FA…</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>yes</translation>
        </message>
        <message>
            <source>no</source>
            <translation>no</translation>
        </message>
        <message>
            <source>Select a user first</source>
            <translation>Select a user first</translation>
        </message>
        <message>
            <source>User {0} created</source>
            <translation>User {0} created</translation>
        </message>
        <message>
            <source>Saved</source>
            <translation>Saved</translation>
        </message>
        <message>
            <source>Password changed</source>
            <translation>Password changed</translation>
        </message>
        <message>
            <source>Account unlocked</source>
            <translation>Account unlocked</translation>
        </message>
        <message>
            <source>Badge enrolled</source>
            <translation>Badge enrolled</translation>
        </message>
        <message>
            <source>Two-factor enrolled</source>
            <translation>Two-factor enrolled</translation>
        </message>
        <message>
            <source>Reset password</source>
            <translation>Reset password</translation>
        </message>
        <message>
            <source>Enrol badge</source>
            <translation>Enrol badge</translation>
        </message>
        <message>
            <source>Scan the new badge</source>
            <translation>Scan the new badge</translation>
        </message>
        <message>
            <source>PIN (empty: none)</source>
            <translation>PIN (empty: none)</translation>
        </message>
    </context>
    <context>
        <name>_AccountPage</name>
        <message>
            <source>The first administrator</source>
            <translation>The first administrator</translation>
        </message>
        <message>
            <source>This account manages users, stations and settings.</source>
            <translation>This account manages users, stations and settings.</translation>
        </message>
        <message>
            <source>User name</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>Full name</source>
            <translation>Full name</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>Password again</source>
            <translation>Password again</translation>
        </message>
        <message>
            <source>Enter a user name</source>
            <translation>Enter a user name</translation>
        </message>
        <message>
            <source>The password must be at least {0} characters long</source>
            <translation>The password must be at least {0} characters long</translation>
        </message>
        <message>
            <source>The two passwords differ</source>
            <translation>The two passwords differ</translation>
        </message>
    </context>
    <context>
        <name>_TwoFactorPage</name>
        <message>
            <source>Two-factor authentication</source>
            <translation>Two-factor authentication</translation>
        </message>
        <message>
            <source>Administrators log in with a password and a code from their phone.</source>
            <translation>Administrators log in with a password and a code from their phone.</translation>
        </message>
    </context>
</TS>
